using System.Text.Json.Nodes;
using ModelCompress.Core.Scoring;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Rules between fields: unique stage ids, calibration for data-driven metrics, each stage type's own rules, gate targets.
/// </summary>
internal static class CrossChecks
{
    public static void Run(JsonObject json, YamlNode root, YamlToJson report, IReadOnlyList<StageSyntax> syntax)
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
            // A repair stage fits on the calibration text too.
            if (metric is not null && ScoringMetrics.Parse(metric).NeedsCalibration() || type == "repair") needsCalibration = true;
            syntax.FirstOrDefault(t => t.Type == type)?.Check?.Invoke(new StageCheck(stage, node, path, seen, all, outputs, report));
        }
        if (needsCalibration && json["calibration"] is null)
            report.Error(root, "calibration", "a stage uses a data-driven metric but there is no calibration section.",
                "add calibration: { text: FILE }.");
        CheckGates(json, root, outputs, report);
        ComputeChecks.Run(json, root, report);
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
                report.Error(node, $"gates[{i}]", "a gate needs at least one condition.",
                    "add min, max, max_drop, max_relative_drop or not_significantly_worse.");
            string target = metric.Split('.')[0];
            if (!outputs.Contains(target))
                report.Error(node, $"gates[{i}]", $"metric '{metric}' refers to '{target}', which no evaluate stage produces.",
                    $"known: {string.Join(", ", outputs.Order())}.");
        }
    }
}
