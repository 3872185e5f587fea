using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Rolling;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// The harness's per-document samples (<c>lm_eval/evaluator.py</c>'s logged samples, written by
/// <c>EvaluationTracker.save_results_samples</c> as <c>samples_&lt;task&gt;.jsonl</c>): doc_id, doc, target, arguments as
/// <c>{"gen_args_N": {"arg_0": context, "arg_1": continuation}}</c>, resps and filtered_resps as strings
/// (<c>[[["-1.5", "False"]]]</c> per choice: log-likelihood and is_greedy, <c>sanitize_list</c>), filter, metrics,
/// doc_hash / prompt_hash / target_hash (sha256 hex of the doc as <c>json.dumps(indent=2)</c>, of the first request's
/// context, of the target) and the per-document metric values.
/// </summary>
public static class HarnessSamples
{
    /// <summary>The file name of a task's samples (the harness adds a date; the run folder keeps one file per task).</summary>
    public static string FileName(string task) => $"samples_{task}.jsonl";

    /// <summary>Every (sub)task's samples, by task name.</summary>
    public static IEnumerable<(string Task, IReadOnlyList<JsonObject> Lines)> All(EvaluationReport report)
    {
        foreach (var task in report.Tasks)
            foreach (var leaf in HarnessLeaves.Of(task))
                yield return (leaf.Name, [.. leaf.Result.Items.Select((item, i) => Choice(leaf, item, i))]);
        foreach (var rolling in report.Rolling)
            yield return (rolling.Name, [.. rolling.Documents.Select(Document)]);
        foreach (var generated in report.Generative) yield return (generated.Name, HarnessGenerative.Samples(generated));
        foreach (var scored in report.Loglikelihood) yield return (scored.Name, HarnessGenerative.Samples(scored));
    }

    public static IReadOnlyList<string> Write(EvaluationReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        foreach (var (task, lines) in All(report))
        {
            string path = Path.Combine(folder, FileName(task));
            AtomicFile.WriteAllText(path, string.Concat(lines.Select(l => PythonJson.Dumps(l) + "\n")));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The harness's <c>task_hashes</c> entry: sha256 of every sample's doc, prompt and target hashes joined.</summary>
    public static string TaskHash(IEnumerable<JsonObject> lines) =>
        PythonJson.Hash(string.Concat(lines.Select(l => $"{l["doc_hash"]}{l["prompt_hash"]}{l["target_hash"]}")));

    private static JsonObject Choice(HarnessLeaf leaf, ItemResult result, int docId)
    {
        var item = result.Item ?? throw new InvalidOperationException($"item {result.Id} of {leaf.Name} has no question to log");
        bool partial = item.Requests.Select(r => r.Context).Distinct().Count() > 1;
        // The harness's target: the gold index, or for partial scoring (WinoGrande) the scored text without its delimiter.
        string target = partial ? item.Requests[0].Continuation.TrimStart(' ')
            : item.Gold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var doc = item.Doc?.DeepClone() ?? new JsonObject
        {
            ["id"] = item.Id, ["query"] = item.Requests[0].Context,
            ["choices"] = new JsonArray([.. item.Choices.Select(c => (JsonNode)c)]), ["gold"] = item.Gold,
        };
        var metrics = leaf.Result.Metrics.Select(HarnessTasks.MetricName).ToList();
        var line = new JsonObject
        {
            ["doc_id"] = docId,
            ["doc"] = doc,
            ["target"] = target,
            ["arguments"] = Arguments(item.Requests.Select(r => new[] { r.Context, r.Continuation })),
            ["resps"] = new JsonArray([.. Responses(result).Select(r => (JsonNode)new JsonArray(r))]),
            ["filtered_resps"] = new JsonArray([.. Responses(result)]),
            ["filter"] = "none",
            ["metrics"] = new JsonArray([.. metrics.Select(m => (JsonNode)m)]),
            ["doc_hash"] = PythonJson.Hash(PythonJson.Dumps(doc, indent: 2)),
            ["prompt_hash"] = PythonJson.Hash(item.Requests[0].Context),
            ["target_hash"] = PythonJson.Hash(target),
        };
        if (metrics.Contains("acc")) line["acc"] = result.Correct ? 1.0 : 0.0;
        if (metrics.Contains("acc_norm")) line["acc_norm"] = result.CorrectNorm ? 1.0 : 0.0;
        return line;
    }

    private static JsonObject Document(DocumentLogLikelihood d, int docId)
    {
        var doc = new JsonObject { ["page"] = d.Page };
        string ll = PythonJson.Float(d.LogLikelihood);
        var line = new JsonObject
        {
            ["doc_id"] = docId,
            ["doc"] = doc,
            ["target"] = d.Target,
            ["arguments"] = Arguments([[d.Target]]),
            ["resps"] = new JsonArray(new JsonArray(ll)),
            ["filtered_resps"] = new JsonArray(ll),
            ["filter"] = "none",
            ["metrics"] = new JsonArray([.. RollingPerplexityResult.MetricNames.Select(m => (JsonNode)m)]),
            ["doc_hash"] = PythonJson.Hash(PythonJson.Dumps(doc, indent: 2)),
            ["prompt_hash"] = PythonJson.Hash(d.Target),
            ["target_hash"] = PythonJson.Hash(d.Target),
            ["word_perplexity"] = new JsonArray(d.LogLikelihood, d.Words),
            ["byte_perplexity"] = new JsonArray(d.LogLikelihood, d.Bytes),
            ["bits_per_byte"] = new JsonArray(d.LogLikelihood, d.Bytes),
        };
        return line;
    }

    private static JsonObject Arguments(IEnumerable<string[]> requests) => new(requests.Select((args, i) =>
        KeyValuePair.Create($"gen_args_{i}",
            (JsonNode?)new JsonObject(args.Select((a, j) => KeyValuePair.Create($"arg_{j}", (JsonNode?)a))))));

    // str() of each (log-likelihood, is_greedy) pair, as sanitize_list writes it.
    private static IEnumerable<JsonArray> Responses(ItemResult result) => result.LogLikelihoods.Select((ll, c) =>
        new JsonArray(PythonJson.Float(ll), c < result.Greedy.Count && result.Greedy[c] ? "True" : "False"));
}
