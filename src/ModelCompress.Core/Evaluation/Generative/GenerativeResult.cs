namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// One generated answer: the response (decoded text cut at the first stop string), the answer each filter extracted from
/// it and whether that answer matched the target, both in the task's filter order.
/// </summary>
public sealed record GeneratedItem(GenerativeItem Item, string Response, IReadOnlyList<string> Filtered, IReadOnlyList<bool> Correct);

/// <summary>
/// A generative task's figures: <c>exact_match</c> per filter with its standard error of the mean (the harness's
/// <c>mean_stderr</c>); <see cref="Original"/> is the split's size before <c>--limit</c>.
/// </summary>
public sealed record GenerativeResult(GenerativeTaskDefinition Task, IReadOnlyList<GeneratedItem> Items, int NumFewshot)
{
    public int Original { get; init; }

    public string Name => Task.Name;

    /// <summary>exact_match of filter <paramref name="filter"/> (an index into the task's filters).</summary>
    public double ExactMatch(int filter) => Statistics.Mean(Indicators(filter));

    public double ExactMatchStderr(int filter) => Statistics.MeanStderr(Indicators(filter));

    private double[] Indicators(int filter) => [.. Items.Select(i => i.Correct[filter] ? 1.0 : 0.0)];
}
