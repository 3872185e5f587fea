using System.Text.Json.Nodes;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// The candidate's evaluation results in the Hub's <c>model-index</c> shape (after Papers with Code's model-index): one result
/// per task, <c>{task: {type, name}, dataset: {type, name[, config]}, metrics: [{type, value, name}]}</c>. The averages and
/// the parameter count are not benchmark results and are left out.
/// </summary>
public static class ModelIndex
{
    // Hub dataset ids (and configs) of the built-in benchmarks; other tasks are named by their task name.
    private static readonly Dictionary<string, (string Id, string? Config, string Name)> KnownDatasets = new(StringComparer.Ordinal)
    {
        ["arc_easy"] = ("allenai/ai2_arc", "ARC-Easy", "ARC-Easy"),
        ["arc_challenge"] = ("allenai/ai2_arc", "ARC-Challenge", "ARC-Challenge"),
        ["hellaswag"] = ("Rowan/hellaswag", null, "HellaSwag"),
        ["piqa"] = ("ybisk/piqa", null, "PIQA"),
        ["winogrande"] = ("allenai/winogrande", "winogrande_xl", "WinoGrande"),
        ["openbookqa"] = ("allenai/openbookqa", "main", "OpenBookQA"),
        ["mmlu"] = ("cais/mmlu", "all", "MMLU"),
        ["boolq"] = ("google/boolq", null, "BoolQ"),
        ["wikitext2"] = ("Salesforce/wikitext", "wikitext-2-raw-v1", "WikiText-2"),
    };

    /// <summary>The <c>results</c> list of <paramref name="run"/>'s candidate, tasks in ordinal order.</summary>
    public static JsonArray Results(RunSummary run)
    {
        var tasks = run.Candidate
            .Where(m => m.Value is double v && double.IsFinite(v) && m.Key.Contains('.'))
            .Select(m => (Task: m.Key[..m.Key.IndexOf('.')], Metric: m.Key[(m.Key.IndexOf('.') + 1)..],
                Value: m.Value!.Value))
            .Where(m => m.Task != "average")
            .GroupBy(m => m.Task)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var results = new JsonArray();
        foreach (var task in tasks)
        {
            var dataset = KnownDatasets.TryGetValue(task.Key, out var known)
                ? new JsonObject { ["type"] = known.Id, ["name"] = known.Name }
                : new JsonObject { ["type"] = task.Key, ["name"] = task.Key };
            if (known.Config is not null) dataset["config"] = known.Config;
            results.Add(new JsonObject
            {
                ["task"] = new JsonObject { ["type"] = "text-generation", ["name"] = "Text Generation" },
                ["dataset"] = dataset,
                ["metrics"] = new JsonArray([.. task.OrderBy(m => m.Metric, StringComparer.Ordinal).Select(m => (JsonNode)new JsonObject
                {
                    ["type"] = m.Metric, ["value"] = Math.Round(m.Value, 6), ["name"] = $"{task.Key} {m.Metric}",
                })]),
            });
        }
        return results;
    }
}
