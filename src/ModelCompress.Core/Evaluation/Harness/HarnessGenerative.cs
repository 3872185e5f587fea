using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Generative;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// The harness's results, configs and samples of <c>generate_until</c> and <c>loglikelihood</c> tasks. A generative task
/// reports <c>"exact_match,&lt;filter&gt;"</c> and its stderr per filter, and logs one sample line per document per filter
/// (all documents of the first filter, then of the next, as <c>evaluator.py</c> does): <c>resps</c> <c>[[text]]</c>,
/// <c>filtered_resps</c> <c>[answer]</c>, <c>filter</c> its name. A log-likelihood task reports <c>perplexity,none</c> and
/// <c>acc,none</c>, and logs <c>[[["ll", "True"]]]</c> with the per-document <c>perplexity</c> (the log-likelihood, which the
/// aggregation turns into a perplexity) and <c>acc</c>.
/// </summary>
public static class HarnessGenerative
{
    private static readonly string[] LikelihoodMetrics = ["perplexity", "acc"];

    /// <summary>The results entry of a generative task.</summary>
    public static JsonObject Entry(GenerativeResult r)
    {
        var entry = new JsonObject { ["name"] = r.Name, ["alias"] = r.Name, ["sample_len"] = r.Items.Count };
        for (int f = 0; f < r.Task.Filters.Count; f++)
        {
            string filter = r.Task.Filters[f].Name;
            entry[$"exact_match,{filter}"] = r.ExactMatch(f);
            entry[$"exact_match_stderr,{filter}"] = Stderr(r.ExactMatchStderr(f));
        }
        return entry;
    }

    /// <summary>The results entry of a log-likelihood task.</summary>
    public static JsonObject Entry(LoglikelihoodResult r) => new()
    {
        ["name"] = r.Name, ["alias"] = r.Name, ["sample_len"] = r.Items.Count,
        ["perplexity,none"] = r.Perplexity, ["perplexity_stderr,none"] = Stderr(r.PerplexityStderr),
        ["acc,none"] = r.Acc, ["acc_stderr,none"] = Stderr(r.AccStderr),
    };

    public static JsonObject HigherIsBetter(LoglikelihoodResult _) => new() { ["perplexity"] = false, ["acc"] = true };

    public static JsonObject HigherIsBetter(GenerativeResult _) => new() { ["exact_match"] = true };

    /// <summary>The <c>configs</c> entry of a generative task, as <c>dump_config</c> writes the task YAML.</summary>
    public static JsonObject Config(GenerativeResult r)
    {
        var t = r.Task;
        var config = new JsonObject { ["task"] = t.Name };
        foreach (var (key, value) in t.Yaml) config[key] = value?.DeepClone();
        config["target_delimiter"] = " ";
        config["fewshot_delimiter"] = "\n\n";
        config["num_fewshot"] = r.NumFewshot;
        var metric = new JsonObject
        {
            ["metric"] = "exact_match", ["aggregation"] = "mean", ["higher_is_better"] = true,
            ["ignore_case"] = t.Match.IgnoreCase, ["ignore_punctuation"] = t.Match.IgnorePunctuation,
        };
        if (t.Match.RegexesToIgnore is { Count: > 0 } regexes) metric["regexes_to_ignore"] = Strings(regexes);
        config["metric_list"] = new JsonArray(metric);
        config["output_type"] = GenerativeTaskReader.OutputType;
        config["generation_kwargs"] = GenerationKwargs(t);
        config["repeats"] = 1;
        config["filter_list"] = new JsonArray([.. t.Filters.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["filter"] = f.Pattern is null ? new JsonArray(new JsonObject { ["function"] = "take_first" }) : new JsonArray(
                new JsonObject { ["function"] = "regex", ["regex_pattern"] = f.Pattern, ["group_select"] = f.GroupSelect,
                    ["fallback"] = f.Fallback },
                new JsonObject { ["function"] = "take_first" }),
        })]);
        config["should_decontaminate"] = false;
        config["metadata"] = new JsonObject { ["version"] = t.Version };
        return config;
    }

    /// <summary>The <c>configs</c> entry of a log-likelihood task.</summary>
    public static JsonObject Config(LoglikelihoodResult r)
    {
        var config = new JsonObject { ["task"] = r.Name };
        foreach (var (key, value) in r.Task.Yaml) config[key] = value?.DeepClone();
        config["target_delimiter"] = "";
        config["fewshot_delimiter"] = "\n\n";
        config["num_fewshot"] = 0;
        config["metric_list"] = new JsonArray(
            new JsonObject { ["metric"] = "perplexity", ["aggregation"] = "perplexity", ["higher_is_better"] = false },
            new JsonObject { ["metric"] = "acc", ["aggregation"] = "mean", ["higher_is_better"] = true });
        config["output_type"] = "loglikelihood";
        config["repeats"] = 1;
        config["should_decontaminate"] = false;
        config["metadata"] = new JsonObject { ["version"] = r.Task.Version };
        return config;
    }

    /// <summary>The sample lines of a generative task: every document for each filter in turn.</summary>
    public static IReadOnlyList<JsonObject> Samples(GenerativeResult r) =>
        [.. r.Task.Filters.SelectMany((filter, f) => r.Items.Select((g, docId) =>
        {
            var doc = g.Item.Doc?.DeepClone().AsObject()
                ?? new JsonObject { ["id"] = g.Item.Id, ["context"] = g.Item.Context, ["target"] = g.Item.Target };
            return new JsonObject
            {
                ["doc_id"] = docId,
                ["doc"] = doc,
                ["target"] = g.Item.Target,
                ["arguments"] = new JsonObject
                {
                    ["gen_args_0"] = new JsonObject { ["arg_0"] = g.Item.Context, ["arg_1"] = GenerationKwargs(r.Task) },
                },
                ["resps"] = new JsonArray(new JsonArray(g.Response)),
                ["filtered_resps"] = new JsonArray(g.Filtered[f]),
                ["filter"] = filter.Name,
                ["metrics"] = new JsonArray("exact_match"),
                ["doc_hash"] = PythonJson.Hash(PythonJson.Dumps(doc, indent: 2)),
                ["prompt_hash"] = PythonJson.Hash(g.Item.Context),
                ["target_hash"] = PythonJson.Hash(g.Item.Target),
                ["exact_match"] = g.Correct[f] ? 1.0 : 0.0,
            };
        }))];

    /// <summary>The sample lines of a log-likelihood task.</summary>
    public static IReadOnlyList<JsonObject> Samples(LoglikelihoodResult r) =>
        [.. r.Items.Select((s, docId) =>
        {
            var doc = s.Item.Doc?.DeepClone().AsObject()
                ?? new JsonObject { ["id"] = s.Item.Id, ["context"] = s.Item.Context, ["continuation"] = s.Item.Continuation };
            string target = s.Item.Continuation;
            JsonArray Response() => new(PythonJson.Float(s.LogLikelihood), s.Greedy ? "True" : "False");
            return new JsonObject
            {
                ["doc_id"] = docId,
                ["doc"] = doc,
                ["target"] = target,
                ["arguments"] = new JsonObject
                {
                    ["gen_args_0"] = new JsonObject { ["arg_0"] = s.Item.Context, ["arg_1"] = target },
                },
                ["resps"] = new JsonArray(new JsonArray(Response())),
                ["filtered_resps"] = new JsonArray(Response()),
                ["filter"] = "none",
                ["metrics"] = new JsonArray([.. LikelihoodMetrics.Select(m => (JsonNode)m)]),
                ["doc_hash"] = PythonJson.Hash(PythonJson.Dumps(doc, indent: 2)),
                ["prompt_hash"] = PythonJson.Hash(s.Item.Context),
                ["target_hash"] = PythonJson.Hash(target),
                ["perplexity"] = s.LogLikelihood,
                ["acc"] = s.Greedy ? 1.0 : 0.0,
            };
        })];

    private static JsonObject GenerationKwargs(GenerativeTaskDefinition t) => new()
    {
        ["until"] = Strings(t.Until), ["do_sample"] = false, ["temperature"] = 0.0, ["max_gen_toks"] = t.MaxGenToks,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static JsonNode Stderr(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create("N/A");
}
