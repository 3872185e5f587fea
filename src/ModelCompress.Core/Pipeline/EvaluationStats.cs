using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Reads an evaluate stage's sample sizes, standard errors and chance levels as <see cref="MetricStats"/>, keyed like
/// <see cref="EvaluationArtifact"/>'s values (<c>TASK.METRIC</c>). It reads the harness's own keys (<c>n-samples.TASK.effective</c>,
/// <c>results.TASK."acc_stderr,none"</c>) and counts each item's choices in the samples files (one line per item, its
/// log-likelihoods or the harness's <c>filtered_resps</c>, one per choice).
/// </summary>
internal static class EvaluationStats
{
    public static Dictionary<string, MetricStats> Read(string folder, JsonObject json)
    {
        var chance = Chances(folder);
        var stats = new Dictionary<string, MetricStats>();
        foreach (var (task, node) in json["results"] as JsonObject ?? [])
        {
            int n = json["n-samples"]?[task]?["effective"] is JsonValue count ? count.GetValue<int>() : 0;
            foreach (var (key, value) in node as JsonObject ?? [])
            {
                if (!key.EndsWith(",none", StringComparison.Ordinal) || key.Contains("_stderr", StringComparison.Ordinal)
                    || value is not JsonValue) continue;
                string metric = key[..^",none".Length];
                bool accuracy = metric is "acc" or "acc_norm";
                stats[$"{task}.{metric}"] = new MetricStats(n, Number(node![$"{metric}_stderr,none"]),
                    accuracy && chance.TryGetValue(task, out var c) ? c.Average() : null);
            }
        }
        var averaged = (json["average"]?["tasks"] as JsonArray ?? []).Select(t => stats.GetValueOrDefault($"{t}.acc")).ToList();
        if (averaged.Count > 0 && averaged.All(s => s is not null))
        {
            // The average is an unweighted mean of independent task means: its variance is the sum of theirs over T².
            var parts = averaged.OfType<MetricStats>().ToList();
            double? stderr = parts.All(s => s.Stderr is not null)
                ? Math.Sqrt(parts.Sum(s => s.Stderr!.Value * s.Stderr.Value)) / parts.Count : null;
            double? chanceLevel = parts.All(s => s.Chance is not null) ? parts.Average(s => s.Chance!.Value) : null;
            stats["average.acc"] = new MetricStats(parts.Sum(s => s.N), stderr, chanceLevel);
        }
        return stats;
    }

    // 1 / choices of every item, by task; an MMLU item also counts for its category (mmlu_stem …).
    private static Dictionary<string, List<double>> Chances(string folder)
    {
        var chances = new Dictionary<string, List<double>>();
        foreach (string file in Directory.EnumerateFiles(folder, "samples*.jsonl").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string? fileTask = name.StartsWith("samples_", StringComparison.Ordinal) ? name["samples_".Length..] : null;
            foreach (string line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                var sample = JsonNode.Parse(line);
                string? task = sample?["task"]?.GetValue<string>() ?? fileTask;
                int choices = (sample?["loglikelihoods"] ?? sample?["filtered_resps"]) is JsonArray a ? a.Count : 0;
                if (task is null || choices == 0) continue;
                string? category = task == "mmlu" && sample?["id"] is JsonValue id ? MmluCategories.OfItem(id.ToString()) : null;
                foreach (string t in category is null ? [task] : new[] { task, $"mmlu_{category}" })
                    (chances.TryGetValue(t, out var list) ? list : chances[t] = []).Add(1.0 / choices);
            }
        }
        return chances;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;
}
