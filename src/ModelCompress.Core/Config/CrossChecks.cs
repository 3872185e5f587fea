using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Scoring;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>Rules between fields: unique stage ids, references to earlier stages, one way to pick layers, gate targets.</summary>
internal static class CrossChecks
{
    public static void Run(JsonObject json, YamlNode root, YamlToJson report)
    {
        // Runs after structural validation, even when it found problems: anything invalid is simply absent here.
        var stageNodes = YamlNodes.Items(root, "stages");
        var stages = (json["stages"] as JsonArray ?? []).Select((stage, i) => (Stage: stage as JsonObject, Node: stageNodes[i]))
            .Where(p => p.Stage?["id"] is not null && p.Stage["type"] is not null).Select(p => (Stage: p.Stage!, p.Node)).ToList();
        var all = stages.Select(p => (Id: p.Stage["id"]!.GetValue<string>(), Type: p.Stage["type"]!.GetValue<string>())).ToList();
        var seen = new Dictionary<string, string>();
        bool needsCalibration = false;
        var outputs = new HashSet<string> { "average", "parameters" };
        for (int i = 0; i < stages.Count; i++)
        {
            var (stage, node) = stages[i];
            string id = stage["id"]!.GetValue<string>(), type = stage["type"]!.GetValue<string>();
            string path = $"stages[{stageNodes.IndexOf(node)}] ({type})";
            if (!seen.TryAdd(id, type)) report.Error(node, path, $"stage id '{id}' is used twice.", "give every stage its own id.");
            string? metric = stage["metric"]?.GetValue<string>();
            if (metric is not null && ScoringMetrics.Parse(metric).NeedsCalibration()) needsCalibration = true;
            if (type == "prune") CheckPrune(stage, node, path, seen, all, report);
            if (type == "evaluate")
            {
                foreach (string t in Strings(stage["tasks"])) outputs.Add(Path.GetFileNameWithoutExtension(t));
                if (outputs.Contains("mmlu")) outputs.UnionWith(MmluCategories.Names.Select(c => $"mmlu_{c}"));
                foreach (string t in Strings(stage["perplexity"])) outputs.Add(Path.GetFileNameWithoutExtension(t));
            }
        }
        if (needsCalibration && json["calibration"] is null)
            report.Error(root, "calibration", "a stage uses a data-driven metric but there is no calibration section.", "add calibration: { text: FILE }.");
        CheckGates(json, root, outputs, report);
    }

    private static void CheckPrune(JsonObject stage, YamlNode node, string path, Dictionary<string, string> earlier,
                                   List<(string Id, string Type)> all, YamlToJson report)
    {
        int ways = new[] { "metric", "scores", "layers" }.Count(k => stage[k] is not null);
        if (ways != 1) report.Error(node, path, "choose exactly one of metric, scores or layers.");
        if (stage["layers"] is not null && stage["remove"] is not null) report.Error(node, path, "layers already says what to remove; drop remove.");
        if (stage["layers"] is null && stage["remove"] is null) report.Error(node, path, "missing 'remove' (a count such as 8 or a percentage such as 25%).");
        if (stage["remove"]?.GetValue<string>() is { } remove && RemovesNothingOrEverything(remove))
            report.Error(node, path, $"remove '{remove}' must be at least 1 layer and a percentage below 100%.");
        if (stage["scores"]?.GetValue<string>() is { } scores && (!earlier.TryGetValue(scores, out var t) || t != "score"))
            report.Error(node, path, $"scores refers to '{scores}', which is not an earlier score stage.");
        if (stage["iterative"] is JsonObject iterative)
        {
            if (stage["metric"] is null) report.Error(node, path, "iterative pruning re-scores between steps, so it needs a metric.");
            if (iterative["heal"]?.GetValue<string>() is { } heal && !all.Contains((heal, "finetune"))) report.Error(node, path, $"iterative.heal refers to '{heal}', which is not a finetune stage.");
        }
    }

    /// <summary>The strings of a list field; a field that failed structural validation is absent or partial here.</summary>
    private static IEnumerable<string> Strings(JsonNode? list) =>
        (list as JsonArray ?? []).Select(t => (t as JsonValue)?.GetValue<string>()).OfType<string>();

    private static bool RemovesNothingOrEverything(string remove)
    {
        string text = remove.Trim();
        double value = double.Parse(text.TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
        return value <= 0 || (text.EndsWith('%') && value >= 100);
    }

    private static void CheckGates(JsonObject json, YamlNode root, HashSet<string> outputs, YamlToJson report)
    {
        var gates = json["gates"] as JsonArray ?? [];
        var nodes = YamlNodes.Items(root, "gates");
        for (int i = 0; i < gates.Count; i++)
        {
            if (gates[i] is not JsonObject gate || gate["metric"] is null) continue;
            var node = i < nodes.Count ? nodes[i] : root;
            string metric = gate["metric"]!.GetValue<string>();
            // Count conditions as written, so an invalid one (already reported) does not also count as missing.
            if (node is YamlMappingNode written && written.Children.Count(p => (p.Key as YamlScalarNode)?.Value != "metric") == 0)
                report.Error(node, $"gates[{i}]", "a gate needs at least one condition.", "add min, max, max_drop, max_relative_drop or not_significantly_worse.");
            string target = metric.Split('.')[0];
            if (!outputs.Contains(target))
                report.Error(node, $"gates[{i}]", $"metric '{metric}' refers to '{target}', which no evaluate stage produces.",
                    $"known: {string.Join(", ", outputs.Order())}.");
        }
    }
}
