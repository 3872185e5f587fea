using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Evaluation;

/// <summary>Scores token requests: for each, the sum of log p(continuation token | everything before it).</summary>
public interface ILogLikelihoodScorer
{
    /// <summary>
    /// Summed natural-log probabilities in request order. <paramref name="progress"/> advances by one per group
    /// (question) whose requests are all scored.
    /// </summary>
    IReadOnlyList<double> Score(IReadOnlyList<TokenRequest> requests, IProgressTask progress);
}
