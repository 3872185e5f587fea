using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// results.json in lm-evaluation-harness 0.4's shape, field for field as its <c>lm_eval/result_schema.py</c> (EvalResults)
/// describes and <c>evaluator.py</c> / <c>EvaluationTracker.save_results_aggregated</c> write it: results and groups
/// (<c>"acc,none"</c>, <c>"acc_stderr,none"</c> …, stderr <c>"N/A"</c> where undefined), group_subtasks, configs, versions,
/// n-shot, higher_is_better, n-samples {original, effective}, config, git_hash, date, the tokenizer fields, the model's
/// names, task_hashes and total_evaluation_time_seconds (a string, as the harness writes it).
/// </summary>
public static class HarnessResults
{
    /// <summary>The harness's default seeds (<c>evaluator.simple_evaluate</c>); scoring here samples nothing.</summary>
    public const int RandomSeed = 0, OtherSeed = 1234;

    public static JsonObject Build(EvaluationReport report)
    {
        var results = new JsonObject();
        var groups = new JsonObject();
        var subtasks = new JsonObject();
        var configs = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var versions = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var shots = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var better = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var samples = new JsonObject();
        foreach (var task in report.Tasks)
        {
            var leaves = HarnessLeaves.Of(task);
            var metricNames = task.Metrics.Select(HarnessTasks.MetricName).ToList();
            foreach (var group in HarnessLeaves.Groups(task, leaves))
            {
                var entry = GroupEntry(group, metricNames);
                results[group.Name] = entry;
                groups[group.Name] = entry.DeepClone();
                subtasks[group.Name] = Strings(group.Children);
                versions[group.Name] = 2;
                shots[group.Name] = task.NumFewshot;
                better[group.Name] = HigherIsBetter(metricNames, true);
            }
            foreach (var leaf in leaves)
            {
                var entry = new JsonObject { ["name"] = leaf.Name, ["alias"] = leaf.Alias, ["sample_len"] = leaf.Result.Items.Count };
                foreach (var metric in task.Metrics)
                {
                    var values = Indicators(leaf.Result.Items, metric);
                    entry[$"{HarnessTasks.MetricName(metric)},none"] = Statistics.Mean(values);
                    entry[$"{HarnessTasks.MetricName(metric)}_stderr,none"] = Stderr(Statistics.MeanStderr(values));
                }
                results[leaf.Name] = entry;
                if (leaf.Subject is null) subtasks[leaf.Name] = new JsonArray();
                configs[leaf.Name] = HarnessTasks.Config(leaf.Name, task.Metrics, task.NumFewshot, leaf.Subject);
                versions[leaf.Name] = HarnessTasks.Version(leaf.Name);
                shots[leaf.Name] = task.NumFewshot;
                better[leaf.Name] = HigherIsBetter(metricNames, true);
                samples[leaf.Name] = Counts(leaf.Original, leaf.Result.Items.Count);
            }
        }
        foreach (var rolling in report.Rolling)
        {
            var entry = new JsonObject { ["name"] = rolling.Name, ["alias"] = rolling.Name, ["sample_len"] = rolling.Documents.Count };
            foreach (string metric in Rolling.RollingPerplexityResult.MetricNames)
            {
                entry[$"{metric},none"] = rolling.Metric(metric);
                entry[$"{metric}_stderr,none"] = "N/A"; // weighted_perplexity and bits_per_byte have no stderr in the harness
            }
            results[rolling.Name] = entry;
            subtasks[rolling.Name] = new JsonArray();
            configs[rolling.Name] = HarnessTasks.WikitextConfig();
            versions[rolling.Name] = HarnessTasks.WikitextVersion;
            shots[rolling.Name] = 0;
            better[rolling.Name] = HigherIsBetter(Rolling.RollingPerplexityResult.MetricNames, false);
            samples[rolling.Name] = Counts(rolling.OriginalDocuments, rolling.Documents.Count);
        }
        foreach (var g in report.Generative)
            Leaf(g.Name, HarnessGenerative.Entry(g), HarnessGenerative.Config(g), g.Task.Version, g.NumFewshot,
                HarnessGenerative.HigherIsBetter(g), Counts(g.Original, g.Items.Count));
        foreach (var l in report.Loglikelihood)
            Leaf(l.Name, HarnessGenerative.Entry(l), HarnessGenerative.Config(l), l.Task.Version, 0,
                HarnessGenerative.HigherIsBetter(l), Counts(l.Original, l.Items.Count));
        foreach (var p in report.Perplexities) FixedWindows(p, results, subtasks, configs, versions, shots, better, samples);

        void Leaf(string name, JsonObject entry, JsonObject config, double version, int numFewshot, JsonObject higher, JsonObject counts)
        {
            results[name] = entry;
            subtasks[name] = new JsonArray();
            configs[name] = config;
            versions[name] = version;
            shots[name] = numFewshot;
            better[name] = higher;
            samples[name] = counts;
        }

        var json = new JsonObject { ["results"] = results };
        if (groups.Count > 0) json["groups"] = groups;
        json["group_subtasks"] = subtasks;
        json["configs"] = Object(configs);
        json["versions"] = Object(versions);
        json["n-shot"] = Object(shots);
        json["higher_is_better"] = Object(better);
        json["n-samples"] = samples;
        json["config"] = Config(report.Config);
        json["git_hash"] = ToolCommit();
        json["date"] = report.Started.ToUnixTimeMilliseconds() / 1000.0;
        json["eot_token_id"] = report.Config.EotTokenId;
        json["max_length"] = report.Config.MaxLength;
        json["model_source"] = "modelcompress";
        json["model_name"] = report.Config.Model;
        json["model_name_sanitized"] = report.Config.Model.Replace("/", "__").Replace(":", "-");
        json["system_instruction"] = null;
        json["system_instruction_sha"] = null;
        json["fewshot_as_multiturn"] = false;
        json["chat_template"] = null;
        json["chat_template_sha"] = null;
        json["task_hashes"] = new JsonObject(HarnessSamples.All(report)
            .Select(s => KeyValuePair.Create(s.Task, (JsonNode?)HarnessSamples.TaskHash(s.Lines))));
        json["total_evaluation_time_seconds"] = PythonJson.Float(report.Seconds);
        return json;
    }

    /// <summary>
    /// The harness's <c>config</c> block (<c>_EvalConfig</c>): <c>model</c> is the backend (as <c>hf</c> there), model_args
    /// the <c>key=value</c> string, then execution settings and seeds; the tool's own fields follow.
    /// </summary>
    private static JsonObject Config(EvaluationConfig c) => new()
    {
        ["model"] = "modelcompress",
        ["model_args"] = $"pretrained={c.Model},dtype={c.Dtype},add_bos_token={(c.AddBos ? "True" : "False")}",
        ["model_dtype"] = c.Dtype,
        ["batch_size"] = c.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["batch_sizes"] = new JsonArray(),
        ["device"] = c.Device,
        ["use_cache"] = null,
        ["limit"] = c.Limit,
        ["bootstrap_iters"] = 100000,
        ["gen_kwargs"] = null,
        ["random_seed"] = RandomSeed,
        ["numpy_seed"] = OtherSeed,
        ["torch_seed"] = OtherSeed,
        ["fewshot_seed"] = OtherSeed,
        ["model_hash"] = c.ModelKey,
        ["tokenizer"] = c.Tokenizer,
        ["add_bos"] = c.AddBos,
        ["num_fewshot"] = c.NumFewshot,
        ["shared_context"] = c.SharedContext,
        ["tool_version"] = c.ToolVersion,
    };

    // A group's score is the size-weighted mean of its leaf tasks (weight_by_size: True), i.e. the accuracy over all their
    // items; its stderr is the harness's pooled_sample_stderr over the leaves, "N/A" when one leaf has none.
    private static JsonObject GroupEntry(HarnessGroup group, IReadOnlyList<string> metricNames)
    {
        var entry = new JsonObject { ["alias"] = group.Alias, ["name"] = group.Name };
        int total = group.Leaves.Sum(l => l.Result.Items.Count);
        entry["sample_len"] = total;
        var counts = new JsonObject();
        foreach (string metric in metricNames)
        {
            var kind = metric == "acc_norm" ? ChoiceMetric.AccNorm : ChoiceMetric.Acc;
            var sizes = group.Leaves.Select(l => l.Result.Items.Count).ToList();
            var means = group.Leaves.Select(l => Statistics.Mean(Indicators(l.Result.Items, kind))).ToList();
            var stderrs = group.Leaves.Select(l => Statistics.MeanStderr(Indicators(l.Result.Items, kind))).ToList();
            entry[$"{metric},none"] = means.Zip(sizes).Sum(p => p.First * p.Second) / total;
            entry[$"{metric}_stderr,none"] = stderrs.All(double.IsFinite) && total > sizes.Count
                ? Math.Sqrt(sizes.Zip(stderrs).Sum(p => (p.First - 1) * p.Second * p.Second * p.First) / (total - sizes.Count) / total)
                : "N/A";
            counts[$"{metric},none"] = total;
        }
        entry["sample_count"] = counts;
        return entry;
    }

    private static void FixedWindows(PerplexityResult p, JsonObject results, JsonObject subtasks,
        SortedDictionary<string, JsonNode?> configs, SortedDictionary<string, JsonNode?> versions,
        SortedDictionary<string, JsonNode?> shots, SortedDictionary<string, JsonNode?> better, JsonObject samples)
    {
        string[] metrics = ["token_perplexity", "word_perplexity", "byte_perplexity", "bits_per_byte"];
        double[] values = [p.TokenPerplexity, p.WordPerplexity, p.BytePerplexity, p.BitsPerByte];
        var entry = new JsonObject { ["name"] = p.Name, ["alias"] = p.Name, ["sample_len"] = p.Windows };
        for (int i = 0; i < metrics.Length; i++)
        {
            entry[$"{metrics[i]},none"] = values[i];
            entry[$"{metrics[i]}_stderr,none"] = "N/A";
        }
        entry["tokens"] = p.Tokens;
        entry["words"] = p.Words;
        entry["bytes"] = p.Bytes;
        entry["windows"] = p.Windows;
        entry["window"] = p.Window;
        results[p.Name] = entry;
        subtasks[p.Name] = new JsonArray();
        configs[p.Name] = new JsonObject
        {
            ["task"] = p.Name, ["output_type"] = "perplexity_fixed", ["num_fewshot"] = 0, ["window"] = p.Window,
            ["metric_list"] = new JsonArray([.. metrics.Select(m => (JsonNode)new JsonObject { ["metric"] = m })]),
            ["metadata"] = new JsonObject { ["version"] = 1.0 },
        };
        versions[p.Name] = 1.0;
        shots[p.Name] = 0;
        better[p.Name] = HigherIsBetter(metrics, false);
        samples[p.Name] = Counts(p.Windows, p.Windows);
    }

    private static double[] Indicators(IReadOnlyList<ItemResult> items, ChoiceMetric metric) =>
        [.. items.Select(i => (metric == ChoiceMetric.AccNorm ? i.CorrectNorm : i.Correct) ? 1.0 : 0.0)];

    private static JsonNode Stderr(double value) => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create("N/A");

    private static JsonObject Counts(int original, int effective) => new() { ["original"] = original, ["effective"] = effective };

    private static JsonObject HigherIsBetter(IEnumerable<string> metrics, bool higher) =>
        new(metrics.Select(m => KeyValuePair.Create(m, (JsonNode?)higher)));

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);

    private static JsonObject Object(SortedDictionary<string, JsonNode?> values) => new(values);

    // The tool's commit when its version carries one (1.2.3+abcdef), else null (the harness writes None outside git).
    private static string? ToolCommit() =>
        typeof(HarnessResults).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion
            .Split('+') is [_, var sha] ? sha : null;
}
