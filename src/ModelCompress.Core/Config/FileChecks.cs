using System.Text.Json.Nodes;
using ModelCompress.Core.Demo;
using YamlDotNet.RepresentationModel;
using static ModelCompress.Core.Config.YamlNodes;

namespace ModelCompress.Core.Config;

/// <summary>
/// The local files a pipeline reads must exist before any work starts: the model folder, calibration text, training data,
/// benchmark folders, task files and perplexity texts. Blob URLs, <c>builtin:demo</c> paths and named corpora are checked
/// where they are used. Relative paths are relative to the pipeline file, as when the pipeline runs. A plan needs only the
/// model's config.json (its tensors are checked when there are any) and no training data.
/// </summary>
internal static class FileChecks
{
    public static void Run(JsonObject json, YamlNode root, string baseDirectory, YamlToJson report, IReadOnlyList<StageSyntax> syntax,
                           bool planning = false)
    {
        if (json["model"]?["source"]?.GetValue<string>() is { } source && IsLocal(source))
        {
            string folder = Path.GetFullPath(source, baseDirectory);
            if (!File.Exists(Path.Combine(folder, "config.json")))
                report.Error(Child(Child(root, "model"), "source"), "model.source",
                    Directory.Exists(folder)
                        ? $"'{source}' has no config.json: not a Hugging Face model folder."
                        : $"model folder '{source}' not found ({folder}).",
                    "give a folder with config.json, safetensors and a tokenizer, or a blob URL (az://ACCOUNT/CONTAINER/PREFIX).");
            else if (!planning || Directory.EnumerateFiles(folder, "*.safetensors*").Any())
            {
                // The folder's config and its tensors' headers (no weights): a broken model fails validate and plan, not hours into a run.
                try { Checkpoints.TensorInventory.Validate(folder); }
                catch (Exception e) when (e is CheckpointException or InvalidInputException)
                {
                    report.Error(Child(Child(root, "model"), "source"), "model.source", e.Message,
                        "fix or replace the model folder (config.json and safetensors from the same model).");
                }
            }
        }
        if (json["calibration"]?["text"]?.GetValue<string>() is { } text)
            FileExists(report, Child(Child(root, "calibration"), "text"), "calibration.text", text, baseDirectory);
        var stageNodes = YamlNodes.Items(root, "stages");
        var stages = json["stages"] as JsonArray ?? [];
        for (int i = 0; i < stages.Count && i < stageNodes.Count; i++)
        {
            if (stages[i] is not JsonObject stage || stageNodes[i] is not YamlMappingNode node) continue;
            string type = stage["type"]?.GetValue<string>() ?? "", path = $"stages[{i}]";
            // Each stage type's fields say which of them are paths (FieldSpec.Path).
            foreach (var field in syntax.FirstOrDefault(t => t.Type == type)?.Spec.Fields ?? [])
            {
                if (field.Path is not { } rule || (planning && type == "finetune")) continue;
                if (field.Kind == ValueKind.List)
                    EachItem(stage, node, field.Name,
                        (value, item, at) => Exists(report, rule, item, $"{path}.{at}", value, baseDirectory));
                else if ((stage[field.Name] as JsonValue)?.GetValue<string>() is { } value)
                    Exists(report, rule, Child(node, field.Name), $"{path}.{field.Name}", value, baseDirectory);
            }
        }
    }

    private static void Exists(YamlToJson report, PathRule rule, YamlNode node, string path, string value, string baseDirectory)
    {
        if (rule.IsName?.Invoke(value) == true) return;
        if (!rule.Folder)
            FileExists(report, node, path, value, baseDirectory, rule.Hint);
        else if (IsLocal(value) && !Directory.Exists(Path.GetFullPath(value, baseDirectory)))
            report.Error(node, path, $"{rule.What} '{value}' not found.", rule.Hint);
    }

    private static bool IsLocal(string path) =>
        !path.Contains("://", StringComparison.Ordinal) && !path.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal);

    private static void FileExists(YamlToJson report, YamlNode node, string path, string value, string baseDirectory,
        string? alternative = null)
    {
        if (!IsLocal(value) || File.Exists(Path.GetFullPath(value, baseDirectory))) return;
        report.Error(node, path, $"file '{value}' not found ({Path.GetFullPath(value, baseDirectory)}).",
            $"paths are relative to the pipeline file's folder{(alternative is null ? "" : $"; give an existing file {alternative}")}.");
    }

    private static void EachItem(JsonObject stage, YamlMappingNode node, string key, Action<string, YamlNode, string> check)
    {
        var values = stage[key] as JsonArray ?? [];
        var items = Items(node, key);
        for (int j = 0; j < values.Count; j++)
            if ((values[j] as JsonValue)?.GetValue<string>() is { } value) check(value, j < items.Count ? items[j] : node, $"{key}[{j}]");
    }
}
