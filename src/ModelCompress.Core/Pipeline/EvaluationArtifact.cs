using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Harness;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Reads a stored evaluation back as gate inputs: values and per-item correctness. This is the one reader of an evaluate
/// stage's own results.json, which has lm-evaluation-harness's shape (<c>results.TASK."acc,none"</c>, groups listed under
/// <c>group_subtasks</c>) beside one <c>samples_TASK.jsonl</c> per task; the run folder's results.json is another file,
/// read by <see cref="RunFolder.Read"/>.
/// </summary>
public static class EvaluationArtifact
{
    /// <summary>The evaluate stage's results file (its samples files are <see cref="HarnessSamples.FileName"/>).</summary>
    public const string ResultsFile = "results.json";

    private static readonly string[] ItemMetrics = ["acc", "acc_norm", "exact_match"];

    public static MetricValues Read(string folder, long parameters)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ResultsFile)))!.AsObject();
        var values = new Dictionary<string, double> { ["parameters"] = parameters };
        var results = json["results"]!.AsObject();
        foreach (var (task, node) in results)
            foreach (var (key, value) in node as JsonObject ?? [])
                if (value is JsonValue v && v.TryGetValue<double>(out double d) && MetricKeys(json, task, key) is { } keys)
                    foreach (string k in keys) values[k] = d;
        var children = Subtasks(json);
        // The paper's "Avg Acc": the mean acc of the top-level multiple-choice tasks (MMLU counts once, as its group).
        var top = Averaged(json, children).Where(t => values.ContainsKey($"{t}.acc")).Select(t => values[$"{t}.acc"]).ToList();
        if (top.Count > 0) values["average.acc"] = top.Average();

        // A subject's samples count for the subject, its category and mmlu: each file is read once.
        var samples = SamplesReader(folder);
        var items = new Dictionary<string, bool[]>();
        foreach (var (task, _) in results)
        {
            var lines = Leaves(task, children).SelectMany(samples).ToList();
            if (lines.Count == 0) continue;
            // A generative task logs every document once per filter: each filter pairs its own lines.
            foreach (var byFilter in lines.GroupBy(l => l["filter"] is JsonValue f ? f.GetValue<string>() : "none"))
                foreach (string metric in ItemMetrics)
                    if (byFilter.All(l => l[metric] is JsonValue) && MetricKeys(json, task, $"{metric},{byFilter.Key}") is { } keys)
                        foreach (string k in keys) items[k] = [.. byFilter.Select(l => l[metric]!.GetValue<double>() == 1.0)];
        }
        return new MetricValues(values, items) { Stats = EvaluationStats.Read(json, samples) };
    }

    /// <summary>
    /// The gate keys of a results entry <c>METRIC,FILTER</c> (null for a stderr or a field without a filter):
    /// <c>TASK.METRIC</c> for the filter <c>none</c>; for a named filter <c>TASK.METRIC,FILTER</c>, and <c>TASK.METRIC</c> too
    /// when it is the task's first filter (its configs entry's <c>filter_list</c>; strict-match for gsm8k).
    /// </summary>
    internal static IReadOnlyList<string>? MetricKeys(JsonObject json, string task, string key)
    {
        int comma = key.IndexOf(',');
        if (comma < 0 || key.Contains("_stderr", StringComparison.Ordinal)) return null;
        string metric = key[..comma], filter = key[(comma + 1)..];
        if (filter == "none") return [$"{task}.{metric}"];
        string? first = json["configs"]?[task]?["filter_list"]?[0]?["name"] is JsonValue f ? f.GetValue<string>() : null;
        return first == filter ? [$"{task}.{key}", $"{task}.{metric}"] : [$"{task}.{key}"];
    }

    /// <summary>
    /// The top-level tasks that enter <c>average.acc</c>: multiple-choice ones and groups, not lambada_openai's acc (a
    /// log-likelihood task's) nor a generative task.
    /// </summary>
    internal static IEnumerable<string> Averaged(JsonObject json, Dictionary<string, List<string>> children) =>
        TopLevel(json, children).Where(t => json["configs"]?[t]?["output_type"] is not JsonValue type
            || type.GetValue<string>() == "multiple_choice");

    /// <summary>Each group's subtasks, from the harness's <c>group_subtasks</c>.</summary>
    internal static Dictionary<string, List<string>> Subtasks(JsonObject json) =>
        (json["group_subtasks"] as JsonObject ?? [])
            .ToDictionary(g => g.Key, g => (g.Value as JsonArray ?? []).Select(c => c!.GetValue<string>()).ToList());

    /// <summary>The tasks in <c>results</c> that are no group's subtask (a group such as mmlu counts once).</summary>
    internal static IEnumerable<string> TopLevel(JsonObject json, Dictionary<string, List<string>> children)
    {
        var nested = children.Values.SelectMany(c => c).ToHashSet();
        return (json["results"] as JsonObject ?? []).Select(r => r.Key).Where(t => !nested.Contains(t));
    }

    /// <summary>A task's leaf tasks: itself when it has no subtasks, else its subtasks' leaves, in order.</summary>
    internal static IEnumerable<string> Leaves(string task, Dictionary<string, List<string>> children) =>
        children.TryGetValue(task, out var list) && list.Count > 0 ? list.SelectMany(c => Leaves(c, children)) : [task];

    /// <summary>A leaf task's sample lines, each file parsed once however often it is asked for.</summary>
    internal static Func<string, IReadOnlyList<JsonNode>> SamplesReader(string folder)
    {
        var read = new Dictionary<string, IReadOnlyList<JsonNode>>();
        return task => read.TryGetValue(task, out var lines) ? lines : read[task] = [.. Samples(folder, task)];
    }

    private static IEnumerable<JsonNode> Samples(string folder, string task)
    {
        string path = Path.Combine(folder, HarnessSamples.FileName(task));
        return File.Exists(path) ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!) : [];
    }
}
