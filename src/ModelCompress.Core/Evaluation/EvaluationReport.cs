using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// What an evaluation ran with, recorded in results.json's <c>config</c> block. <see cref="ModelKey"/> (written
/// <c>model_hash</c>) identifies the evaluated weights: the pipeline's model key (the key of the stage that produced them, or
/// of the base model's folder hash), or for the eval verb the <c>CheckpointHash</c> of the folder. <see cref="AddBos"/>
/// matters: small models score quite differently with and without BOS.
/// </summary>
public sealed record EvaluationConfig(
    string Model, [property: JsonPropertyName("model_hash")] string ModelKey, string Tokenizer, bool AddBos, int? Limit, int NumFewshot, int BatchSize, bool SharedContext,
    string Device, string Dtype, string ToolVersion);

/// <summary>An evaluation's results: multiple-choice tasks, perplexities, and the average acc over tasks (the paper's "Avg Acc").</summary>
public sealed record EvaluationReport(EvaluationConfig Config, IReadOnlyList<TaskResult> Tasks, IReadOnlyList<PerplexityResult> Perplexities)
{
    /// <summary>Mean of the tasks' plain acc (NaN without tasks).</summary>
    public double AverageAcc => Tasks.Count == 0 ? double.NaN : Tasks.Average(t => t.Acc);

    /// <summary>results.json in lm-evaluation-harness's shape (<c>results.&lt;task&gt;."acc,none"</c> …).</summary>
    public JsonObject ToJson()
    {
        var results = new JsonObject();
        var samples = new JsonObject();
        var shots = new JsonObject();
        void Add(TaskResult t)
        {
            var r = new JsonObject { ["alias"] = t.Name, ["acc,none"] = Num(t.Acc), ["acc_stderr,none"] = Num(t.AccStderr) };
            if (t.AccNorm is double norm)
            {
                r["acc_norm,none"] = Num(norm);
                r["acc_norm_stderr,none"] = Num(t.AccNormStderr!.Value);
            }
            results[t.Name] = r;
            samples[t.Name] = new JsonObject { ["effective"] = t.Items.Count };
            shots[t.Name] = t.NumFewshot;
        }
        foreach (var t in Tasks)
        {
            Add(t);
            if (t.Name == "mmlu") foreach (var category in MmluCategoryResults(t)) Add(category);
        }
        foreach (var p in Perplexities)
        {
            results[p.Name] = new JsonObject
            {
                ["alias"] = p.Name,
                ["token_perplexity,none"] = Num(p.TokenPerplexity),
                ["word_perplexity,none"] = Num(p.WordPerplexity),
                ["byte_perplexity,none"] = Num(p.BytePerplexity),
                ["bits_per_byte,none"] = Num(p.BitsPerByte),
                ["tokens"] = p.Tokens, ["words"] = p.Words, ["bytes"] = p.Bytes, ["windows"] = p.Windows, ["window"] = p.Window,
            };
            samples[p.Name] = new JsonObject { ["effective"] = p.Windows };
        }
        var json = new JsonObject { ["results"] = results };
        if (Tasks.Count > 0) json["average"] = new JsonObject { ["acc,none"] = Num(AverageAcc), ["tasks"] = new JsonArray([.. Tasks.Select(t => (JsonNode)t.Name)]) };
        json["n-shot"] = shots;
        json["n-samples"] = samples;
        json["config"] = JsonSerializer.SerializeToNode(Config, JsonDefaults.Indented);
        return json;
    }

    /// <summary>
    /// MMLU's four category scores (<c>mmlu_stem</c> …), each the accuracy over its subjects' items — the harness's
    /// size-weighted group mean; the stderr here is over the category's items.
    /// </summary>
    public static IEnumerable<TaskResult> MmluCategoryResults(TaskResult mmlu) =>
        MmluCategories.Names.Select(c => mmlu with { Name = $"mmlu_{c}", Items = mmlu.Items.Where(i => MmluCategories.OfItem(i.Id) == c).ToList() })
            .Where(r => r.Items.Count > 0);

    /// <summary>Writes <see cref="ToJson"/> indented to <paramref name="path"/>.</summary>
    public void WriteJson(string path) => File.WriteAllText(path, ToJson().ToJsonString(JsonDefaults.Indented) + "\n");

    /// <summary>
    /// One JSON line per question: task, doc_id, id, per-choice log-likelihoods, gold, pred, pred_norm, acc, acc_norm —
    /// the input for paired statistics between two models.
    /// </summary>
    public void WriteSamples(string path)
    {
        using var writer = new StreamWriter(path);
        foreach (var t in Tasks)
            foreach (var (item, index) in t.Items.Select((x, i) => (x, i)))
            {
                var line = new JsonObject
                {
                    ["task"] = t.Name, ["doc_id"] = index, ["id"] = item.Id,
                    ["loglikelihoods"] = new JsonArray([.. item.LogLikelihoods.Select(v => (JsonNode)v)]),
                    ["gold"] = item.Gold, ["pred"] = item.Pred, ["pred_norm"] = item.PredNorm,
                    ["acc"] = item.Correct ? 1 : 0, ["acc_norm"] = item.CorrectNorm ? 1 : 0,
                };
                writer.WriteLine(line.ToJsonString());
            }
    }

    // JSON has no NaN: a statistic that is undefined (stderr of one item) is written as null.
    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
