using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Tests.Evaluation;

public sealed class MultipleChoiceEvaluatorTests
{
    /// <summary>Returns fixed log-likelihoods in request order (hand-constructed scores).</summary>
    private sealed class FixedScorer(params double[] values) : ILogLikelihoodScorer
    {
        public IReadOnlyList<TokenRequest>? Seen { get; private set; }
        public ScoredRequests Score(IReadOnlyList<TokenRequest> requests, IProgressTask progress)
        {
            Seen = requests;
            return new ScoredRequests(values, new bool[values.Length]);
        }
    }

    private static readonly TaskDefinition Task = new("toy", [ChoiceMetric.Acc, ChoiceMetric.AccNorm], _ => []);

    [Fact]
    public void Judge_AccAndAccNormChooseDifferently()
    {
        // "a" has -2 in total but -2 per character; "abcdefgh" has -4 in total but -0.5 per character.
        var item = MultipleChoiceItem.SharedContext("q", "Q:", ["a", "abcdefgh"], gold: 1);
        var result = MultipleChoiceEvaluator.Judge(item, [-2.0, -4.0]);
        Assert.Equal((0, 1), (result.Pred, result.PredNorm));
        Assert.False(result.Correct);
        Assert.True(result.CorrectNorm);
    }

    [Fact]
    public void Judge_AccNormCountsCodePointsWithoutSeparator()
    {
        // "é😀" is 2 code points (3 UTF-16 units); "abc" is 3: -2.2/2 = -1.1 < -3/3 = -1.0.
        var item = MultipleChoiceItem.SharedContext("q", "Q:", ["é😀", "abc"], gold: 0);
        Assert.Equal(1, MultipleChoiceEvaluator.Judge(item, [-2.2, -3.0]).PredNorm);
    }

    [Fact]
    public void Judge_TiesPickFirstChoice() =>
        Assert.Equal(0, MultipleChoiceEvaluator.Judge(MultipleChoiceItem.SharedContext("q", "Q", ["x", "y"], 1), [-1.0, -1.0]).Pred);

    [Fact]
    public void Evaluate_ComputesAccuracyAndHarnessStandardError()
    {
        var items = Enumerable.Range(0, 4).Select(i => MultipleChoiceItem.SharedContext($"{i}", "Q:", ["a", "b"], gold: i == 3 ? 1 : 0)).ToArray();
        // Predictions 0, 0, 1, 0 against gold 0, 0, 0, 1: correct, correct, wrong, wrong -> acc 2/4.
        var scorer = new FixedScorer(-1, -2, -1, -2, -2, -1, -1, -2);
        var result = new MultipleChoiceEvaluator(new RequestEncoder(new CharTokenizer(), false), scorer).Evaluate(Task, items, NullProgress.Instance);
        Assert.Equal(0.5, result.Acc, 12);
        // Sample std of [1, 1, 0, 0] = sqrt(1/3); stderr = sqrt(1/3) / 2.
        Assert.Equal(Math.Sqrt(1.0 / 3) / 2, result.AccStderr, 12);
        Assert.Equal(8, scorer.Seen!.Count);
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2, 3, 3 }, scorer.Seen.Select(r => r.Group));
    }

    [Fact]
    public void MeanStderr_MatchesHandComputation() =>
        Assert.Equal(0.25, Statistics.MeanStderr([1.0, 0.0, 1.0, 1.0]), 12); // mean .75, sample std .5, / sqrt 4
}
