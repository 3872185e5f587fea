using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// One prompt of a generative task: the context the model continues, the reference answer (the harness's <c>target</c>,
/// compared after normalisation) and the record it was read from (the samples files' <c>doc</c>).
/// </summary>
public sealed record GenerativeItem(string Id, string Context, string Target)
{
    public JsonObject? Doc { get; init; }
}

/// <summary>
/// A <c>generate_until</c> task (lm-evaluation-harness 0.4): greedy decoding of each context until a stop string
/// (<see cref="Until"/>), end-of-text or <see cref="MaxGenToks"/> new tokens; each filter extracts an answer from the text,
/// scored by <c>exact_match</c> against the target after <see cref="Match"/>'s normalisation. Results are keyed
/// <c>exact_match,&lt;filter&gt;</c>; the first filter is the one a gate on <c>TASK.exact_match</c> reads.
/// <see cref="Yaml"/> holds the harness YAML's facts written into results.json's <c>configs</c> (dataset, prompt, version).
/// </summary>
public sealed record GenerativeTaskDefinition(
    string Name, Func<TaskLoadOptions, IReadOnlyList<GenerativeItem>> Load, IReadOnlyList<string> Until, int MaxGenToks,
    IReadOnlyList<AnswerFilter> Filters, ExactMatchOptions Match, bool SupportsFewshot = false)
{
    /// <summary>The task version written under <c>versions</c>.</summary>
    public double Version { get; init; } = 1.0;

    /// <summary>Dataset and template fields of the harness's task YAML (empty for a task file).</summary>
    public JsonObject Yaml { get; init; } = [];

    /// <summary>The harness's default for <c>max_gen_toks</c> when a task sets none.</summary>
    public const int DefaultMaxGenToks = 256;
}

/// <summary>A generative task's items after <c>--limit</c>, and the size of its split before it.</summary>
public sealed record LoadedGenerative(GenerativeTaskDefinition Task, IReadOnlyList<GenerativeItem> Items, int Original);
