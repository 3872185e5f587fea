using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation;

public sealed class ModelScorerTests
{
    // Three questions: a shared context with 4 choices of different lengths (one of a single token), a second question,
    // and WinoGrande-like requests with different contexts and one continuation.
    private static readonly TokenRequest[] Requests =
    [
        new(0, [5, 6, 7, 8], [9]), new(0, [5, 6, 7, 8], [10, 11, 12]), new(0, [5, 6, 7, 8], [13, 14]), new(0, [5, 6, 7, 8], [15, 16, 17, 18, 19]),
        new(1, [20, 21], [22, 23]), new(1, [20, 21], [24]),
        new(2, [30, 31, 32], [40, 41]), new(2, [30, 33], [40, 41]),
    ];

    [Fact]
    public void Score_ZeroWeights_UniformDistribution_SumIsMinusLengthTimesLogVocab()
    {
        using var model = TinyModel.Create();
        using (no_grad()) foreach (var p in model.parameters()) p.zero_();
        var sums = new ModelScorer(model, batchSize: 2).Score(Requests, NullProgress.Instance);
        for (int i = 0; i < Requests.Length; i++)
            Assert.Equal(-Requests[i].Continuation.Count * Math.Log(128), sums[i], 5);
    }

    [Theory]
    [InlineData(1, true, true)]
    [InlineData(2, true, true)]
    [InlineData(16, true, true)]
    [InlineData(16, true, false)]
    [InlineData(1, false, false)]
    [InlineData(16, false, false)]
    [InlineData(16, false, true)]
    public void Score_EqualsOnePlainForwardPerRequest(int batchSize, bool shareContext, bool packRows)
    {
        using var model = TinyModel.Create();
        var sums = new ModelScorer(model, batchSize, shareContext, packRows).Score(Requests, NullProgress.Instance);
        for (int i = 0; i < Requests.Length; i++)
            Assert.Equal(TinyModel.Reference(model, Requests[i].Context, Requests[i].Continuation), sums[i], 4);
    }

    [Fact]
    public void Score_SharedContext_FeedsFewerTokensThanNaive()
    {
        using var model = TinyModel.Create();
        var shared = new ModelScorer(model, 1, shareContext: true);
        var naive = new ModelScorer(model, 1, shareContext: false, packRows: false);
        shared.Score(Requests, NullProgress.Instance);
        naive.Score(Requests, NullProgress.Instance);
        // Shared: (4 + 0+2+1+4) + (2 + 1+0) + (3+1) + (2+1) = 21 tokens; naive: every request with its own context = 23 + 5 + 7 = 35.
        Assert.Equal(21, shared.TokensProcessed);
        Assert.Equal(35, naive.TokensProcessed);
    }

    [Fact]
    public void Score_PackedRows_FillPaddingWithShortQuestions()
    {
        using var model = TinyModel.Create();
        var packed = new ModelScorer(model, 16, shareContext: true, packRows: true);
        var padded = new ModelScorer(model, 16, shareContext: true, packRows: false);
        packed.Score(Requests, NullProgress.Instance);
        padded.Score(Requests, NullProgress.Instance);
        // Rows of 11, 3, 4 and 3 tokens: packed into [11] and [4 + 3 + 3] (2 x 11); padded, 4 rows x 11.
        Assert.Equal(22, packed.TokensProcessed);
        Assert.Equal(44, padded.TokensProcessed);
    }

    [Fact]
    public void Score_ContextLongerThanWindow_KeepsItsLastTokens()
    {
        using var model = TinyModel.Create(window: 8);
        var request = new TokenRequest(0, [.. Enumerable.Range(3, 10)], [50, 51, 52]);
        double sum = new ModelScorer(model).Score([request], NullProgress.Instance)[0];
        // The harness's input is (context + continuation)[-(8 + 1):][:-1]: the context keeps its last 6 tokens.
        Assert.Equal(TinyModel.Reference(model, [.. Enumerable.Range(7, 6)], [50, 51, 52]), sum, 4);
    }

    [Fact]
    public void Score_ReportsProgressPerQuestion()
    {
        using var model = TinyModel.Create();
        var progress = new CountingProgress();
        new ModelScorer(model, batchSize: 3).Score(Requests, progress);
        Assert.Equal(3, progress.Steps);
    }

    private sealed class CountingProgress : IProgressTask
    {
        public long Steps { get; private set; }
        public void Advance(long steps, string? status = null) => Steps += steps;
        public void Dispose() { }
    }
}
