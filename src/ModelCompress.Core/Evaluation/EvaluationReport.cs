using System.Text.Json.Serialization;
using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Evaluation.Harness;
using ModelCompress.Core.Evaluation.Rolling;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// What an evaluation ran with, recorded in results.json's <c>config</c> block. <see cref="Model"/> is the model's name as
/// the reader knows it (a folder the user gave, or the pipeline's model name: never a cache path); <see cref="ModelKey"/>
/// (written <c>model_hash</c>) identifies the evaluated weights: the pipeline's model key (the key of the stage that
/// produced them, or of the base model's folder hash), or for the eval verb the <c>CheckpointHash</c> of the folder.
/// <see cref="AddBos"/> matters: small models score quite differently with and without BOS.
/// </summary>
public sealed record EvaluationConfig(
    string Model, [property: JsonPropertyName("model_hash")] string ModelKey, string Tokenizer, bool AddBos, int? Limit,
    int NumFewshot, int BatchSize, bool SharedContext, string Device, string Dtype, string ToolVersion)
{
    /// <summary>The model's context in tokens: the rolling windows' length (the harness's <c>max_length</c>).</summary>
    public int? MaxLength { get; init; }

    /// <summary>The tokenizer's end-of-text id (the harness's <c>eot_token_id</c>).</summary>
    public int? EotTokenId { get; init; }
}

/// <summary>
/// An evaluation's results: multiple-choice tasks, fixed-window perplexities, document-level (rolling) perplexities, and
/// the average acc over tasks (the paper's "Avg Acc"). Written in lm-evaluation-harness 0.4's shape: results.json by
/// <see cref="HarnessResults"/>, one <c>samples_&lt;task&gt;.jsonl</c> per task by <see cref="HarnessSamples"/>.
/// </summary>
public sealed record EvaluationReport(
    EvaluationConfig Config, IReadOnlyList<TaskResult> Tasks, IReadOnlyList<PerplexityResult> Perplexities)
{
    /// <summary>Document-level perplexities (the harness's <c>wikitext</c>).</summary>
    public IReadOnlyList<RollingPerplexityResult> Rolling { get; init; } = [];

    /// <summary>generate_until tasks (gsm8k …): generated texts, extracted answers, exact match per filter.</summary>
    public IReadOnlyList<GenerativeResult> Generative { get; init; } = [];

    /// <summary>Log-likelihood tasks (lambada_openai): acc (greedy) and perplexity.</summary>
    public IReadOnlyList<LoglikelihoodResult> Loglikelihood { get; init; } = [];

    /// <summary>When the evaluation started (the harness's <c>date</c>) and how long it took in seconds.</summary>
    public DateTimeOffset Started { get; init; }

    public double Seconds { get; init; }

    /// <summary>Mean of the tasks' plain acc (NaN without tasks).</summary>
    public double AverageAcc => Tasks.Count == 0 ? double.NaN : Tasks.Average(t => t.Acc);

    /// <summary>results.json in lm-evaluation-harness's shape (<c>results.&lt;task&gt;."acc,none"</c> …).</summary>
    public JsonObject ToJson() => HarnessResults.Build(this);

    /// <summary>
    /// MMLU's four category scores (<c>mmlu_stem</c> …), each the accuracy over its subjects' items — the harness's
    /// size-weighted group mean; the stderr here is over the category's items.
    /// </summary>
    public static IEnumerable<TaskResult> MmluCategoryResults(TaskResult mmlu) =>
        MmluCategories.Names
            .Select(c => mmlu with { Name = $"mmlu_{c}", Items = [.. mmlu.Items.Where(i => MmluCategories.OfItem(i.Id) == c)] })
            .Where(r => r.Items.Count > 0);

    /// <summary>Writes results.json to <paramref name="path"/> as the harness does (Python's <c>json.dumps</c>, indent 2).</summary>
    public void WriteJson(string path) => AtomicFile.WriteAllText(path, PythonJson.Dumps(ToJson(), indent: 2) + "\n");

    /// <summary>Writes <c>samples_&lt;task&gt;.jsonl</c> for every (sub)task into <paramref name="folder"/>; returns the paths.</summary>
    public IReadOnlyList<string> WriteSamples(string folder) => HarnessSamples.Write(this, folder);
}
