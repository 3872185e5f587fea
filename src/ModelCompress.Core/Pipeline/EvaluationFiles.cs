using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Harness;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// The run folder's <c>evaluations/&lt;stage&gt;/{baseline,candidate}/</c>: each evaluate stage's harness-shaped results.json
/// and samples_&lt;task&gt;.jsonl, copied from the stage cache so the artifact a CI job uploads holds them. The cached files
/// name the model by its key (the cache is shared between runs); the copy names it as a reader knows it: the base model's
/// source for the baseline, the run's name for the candidate.
/// </summary>
public static class EvaluationFiles
{
    public const string Folder = "evaluations";

    public static void Copy(string runFolder, IEnumerable<EvaluationRecord> evaluations, string baseName, string candidateName)
    {
        foreach (var e in evaluations)
        {
            string target = Path.Combine(runFolder, Folder, e.Stage, e.Baseline ? "baseline" : "candidate");
            Directory.CreateDirectory(target);
            foreach (string file in Directory.EnumerateFiles(e.Folder, "samples_*.jsonl"))
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            string results = Path.Combine(e.Folder, EvaluationArtifact.ResultsFile);
            if (File.Exists(results))
                File.WriteAllText(Path.Combine(target, EvaluationArtifact.ResultsFile),
                    Named(File.ReadAllText(results), e.Baseline ? baseName : candidateName));
        }
    }

    /// <summary>results.json text with the model named <paramref name="name"/> (model_name, its sanitized form, model_args).</summary>
    public static string Named(string resultsJson, string name)
    {
        var json = JsonNode.Parse(resultsJson)!.AsObject();
        string? old = json["model_name"]?.GetValue<string>();
        json["model_name"] = name;
        json["model_name_sanitized"] = name.Replace("/", "__").Replace(":", "-");
        if (old is not null && json["config"]?["model_args"] is JsonValue args)
            json["config"]!["model_args"] = args.GetValue<string>().Replace($"pretrained={old}", $"pretrained={name}");
        return PythonJson.Dumps(json, indent: 2) + "\n";
    }
}
