using System.Text.Json.Nodes;
using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>One scored continuation of a <c>loglikelihood</c> task: context and continuation (with its leading space).</summary>
public sealed record LoglikelihoodItem(string Id, string Context, string Continuation)
{
    public JsonObject? Doc { get; init; }
}

/// <summary>
/// A <c>loglikelihood</c> task (lm-evaluation-harness 0.4): each item's continuation is scored given its context;
/// <c>acc</c> = every continuation token is the model's greedy choice (<c>is_greedy</c>), <c>perplexity</c> =
/// exp(−mean summed log-likelihood) over items (the harness's <c>perplexity</c> aggregation).
/// </summary>
public sealed record LoglikelihoodTaskDefinition(string Name, Func<TaskLoadOptions, IReadOnlyList<LoglikelihoodItem>> Load)
{
    public double Version { get; init; } = 1.0;

    /// <summary>Dataset and template fields of the harness's task YAML.</summary>
    public JsonObject Yaml { get; init; } = [];
}

/// <summary>A scored item: the continuation's summed natural-log probability and whether greedy decoding produces it.</summary>
public sealed record ScoredContinuation(LoglikelihoodItem Item, double LogLikelihood, bool Greedy);

/// <summary>
/// A log-likelihood task's figures. The perplexity's standard error is the delta method's exp(−m)·se(m) with m the mean
/// log-likelihood (the harness bootstraps it instead; both estimate the same spread).
/// </summary>
public sealed record LoglikelihoodResult(LoglikelihoodTaskDefinition Task, IReadOnlyList<ScoredContinuation> Items)
{
    public int Original { get; init; }

    public string Name => Task.Name;

    public double Acc => Statistics.Mean(Greedy);

    public double AccStderr => Statistics.MeanStderr(Greedy);

    public double Perplexity => Math.Exp(-Statistics.Mean(LogLikelihoods));

    public double PerplexityStderr => Perplexity * Statistics.MeanStderr(LogLikelihoods);

    private double[] Greedy => [.. Items.Select(i => i.Greedy ? 1.0 : 0.0)];

    private double[] LogLikelihoods => [.. Items.Select(i => i.LogLikelihood)];

    /// <summary>Scores <paramref name="items"/> with <paramref name="scorer"/> (one request per item).</summary>
    public static LoglikelihoodResult Evaluate(LoglikelihoodTaskDefinition task, IReadOnlyList<LoglikelihoodItem> items,
        RequestEncoder encoder, ILogLikelihoodScorer scorer, IProgressSink progress)
    {
        var requests = items.Select((item, i) =>
        {
            var (context, continuation) = encoder.Encode(item.Context, item.Continuation);
            return new TokenRequest(i, context, continuation);
        }).ToList();
        ScoredRequests sums;
        using (var bar = progress.Start(task.Name, items.Count, "items")) sums = scorer.Score(requests, bar);
        for (int i = 0; i < items.Count; i++) NonFinite.Check(sums[i], $"task {task.Name}, item {items[i].Id}: the log-likelihood");
        return new LoglikelihoodResult(task, [.. items.Select((item, i) => new ScoredContinuation(item, sums[i], sums.Greedy[i]))]);
    }
}

/// <summary>A log-likelihood task's items after <c>--limit</c>, and the size of its split before it.</summary>
public sealed record LoadedLoglikelihood(LoglikelihoodTaskDefinition Task, IReadOnlyList<LoglikelihoodItem> Items, int Original);
