using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Reads a stored evaluation (results.json + samples.jsonl) back as gate inputs: values and per-item correctness. This is the
/// one reader of an evaluate stage's own results.json, which has lm-evaluation-harness's shape (<c>results.TASK."acc,none"</c>)
/// and lives in the stage cache; the run folder's results.json is another file, read by <see cref="RunFolder.Read"/>.
/// </summary>
public static class EvaluationArtifact
{
    /// <summary>The evaluate stage's files: the harness-shaped results and one line per scored item.</summary>
    public const string ResultsFile = "results.json", SamplesFile = "samples.jsonl";

    private static readonly string[] Metrics =
        ["acc", "acc_norm", "token_perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"];

    public static MetricValues Read(string folder, long parameters)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ResultsFile)))!.AsObject();
        var values = new Dictionary<string, double> { ["parameters"] = parameters };
        foreach (var (task, node) in json["results"]!.AsObject())
            foreach (string metric in Metrics)
                if (node![$"{metric},none"] is JsonValue v) values[$"{task}.{metric}"] = v.GetValue<double>();
        if (json["average"]?["acc,none"] is JsonValue average) values["average.acc"] = average.GetValue<double>();

        var items = new Dictionary<string, List<bool>>();
        string samples = Path.Combine(folder, SamplesFile);
        if (File.Exists(samples))
        {
            foreach (string line in File.ReadLines(samples))
            {
                var sample = JsonNode.Parse(line)!;
                string task = sample["task"]!.GetValue<string>();
                // An MMLU item also counts for its category (mmlu_stem …), whose score results.json reports beside mmlu's.
                string? category = task == "mmlu" ? MmluCategories.OfItem(sample["id"]!.GetValue<string>()) : null;
                foreach (string name in category is null ? [task] : new[] { task, $"mmlu_{category}" })
                    foreach (string metric in new[] { "acc", "acc_norm" })
                    {
                        var list = items.TryGetValue($"{name}.{metric}", out var l) ? l : items[$"{name}.{metric}"] = [];
                        list.Add(sample[metric]!.GetValue<int>() == 1);
                    }
            }
        }
        return new MetricValues(values, items.ToDictionary(p => p.Key, p => p.Value.ToArray()))
        {
            Stats = EvaluationStats.Read(folder, json),
        };
    }
}
