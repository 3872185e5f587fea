using System.Collections;
using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Evaluation;

/// <summary>Scores token requests: for each, the sum of log p(continuation token | everything before it).</summary>
public interface ILogLikelihoodScorer
{
    /// <summary>
    /// Summed natural-log probabilities in request order. <paramref name="progress"/> advances by one per group
    /// (question) whose requests are all scored.
    /// </summary>
    ScoredRequests Score(IReadOnlyList<TokenRequest> requests, IProgressTask progress);
}

/// <summary>
/// Each request's summed log-likelihood (the list's values) and whether every continuation token was the model's most
/// likely one (<see cref="Greedy"/>, the harness's <c>is_greedy</c>).
/// </summary>
public sealed class ScoredRequests(IReadOnlyList<double> sums, IReadOnlyList<bool> greedy) : IReadOnlyList<double>
{
    public IReadOnlyList<bool> Greedy { get; } = greedy.Count == sums.Count ? greedy
        : throw new ArgumentException($"{greedy.Count} greedy flags for {sums.Count} sums", nameof(greedy));

    public double this[int index] => sums[index];
    public int Count => sums.Count;
    public IEnumerator<double> GetEnumerator() => sums.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
