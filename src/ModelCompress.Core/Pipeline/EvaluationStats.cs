using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Reads an evaluate stage's sample sizes, standard errors and chance levels as <see cref="MetricStats"/>, keyed like
/// <see cref="EvaluationArtifact"/>'s values (<c>TASK.METRIC</c>). It reads the harness's own keys (<c>n-samples.TASK.effective</c>,
/// <c>results.TASK."acc_stderr,none"</c>) and counts each item's choices (its <c>filtered_resps</c>, one per choice) in the
/// samples files; a group (mmlu, mmlu_stem …) has its leaf tasks' items.
/// </summary>
internal static class EvaluationStats
{
    public static Dictionary<string, MetricStats> Read(string folder, JsonObject json) =>
        Read(json, EvaluationArtifact.SamplesReader(folder));

    /// <summary>The statistics of <paramref name="json"/>, with a leaf task's sample lines from <paramref name="samples"/>.</summary>
    public static Dictionary<string, MetricStats> Read(JsonObject json, Func<string, IReadOnlyList<JsonNode>> samples)
    {
        var children = EvaluationArtifact.Subtasks(json);
        var stats = new Dictionary<string, MetricStats>();
        foreach (var (task, node) in json["results"] as JsonObject ?? [])
        {
            var leaves = EvaluationArtifact.Leaves(task, children).ToList();
            int n = leaves.Sum(leaf => json["n-samples"]?[leaf]?["effective"] is JsonValue count ? count.GetValue<int>() : 0);
            var chances = leaves.SelectMany(samples)
                .Select(s => s["filtered_resps"] is JsonArray a && a.Count > 0 ? 1.0 / a.Count : double.NaN)
                .Where(double.IsFinite).ToList();
            // Chance is 1 / choices for multiple choice only: a log-likelihood or generative task has no choices.
            bool choices = json["configs"]?[task]?["output_type"] is not JsonValue type || type.GetValue<string>() == "multiple_choice";
            foreach (var (key, value) in node as JsonObject ?? [])
            {
                if (value is not JsonValue || EvaluationArtifact.MetricKeys(json, task, key) is not { } keys) continue;
                int comma = key.IndexOf(',');
                string metric = key[..comma], filter = key[(comma + 1)..];
                bool accuracy = metric is "acc" or "acc_norm" && choices;
                foreach (string k in keys)
                    stats[k] = new MetricStats(n, Number(node![$"{metric}_stderr,{filter}"]),
                        accuracy && chances.Count > 0 ? chances.Average() : null);
            }
        }
        var averaged = EvaluationArtifact.Averaged(json, children).Select(t => stats.GetValueOrDefault($"{t}.acc"))
            .Where(s => s is not null).OfType<MetricStats>().ToList();
        if (averaged.Count > 0)
        {
            // The average is an unweighted mean of independent task means: its variance is the sum of theirs over T².
            double? stderr = averaged.All(s => s.Stderr is not null)
                ? Math.Sqrt(averaged.Sum(s => s.Stderr!.Value * s.Stderr.Value)) / averaged.Count : null;
            double? chanceLevel = averaged.All(s => s.Chance is not null) ? averaged.Average(s => s.Chance!.Value) : null;
            stats["average.acc"] = new MetricStats(averaged.Sum(s => s.N), stderr, chanceLevel);
        }
        return stats;
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d : null;
}
