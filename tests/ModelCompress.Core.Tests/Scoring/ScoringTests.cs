using ModelCompress.Core.Data;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Scoring;

public sealed class ScoringTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static string Calibration => SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");

    private LayerScores Score(ScoringMetric metric, bool lowMemory = false, BlockInfluenceReduction bi = BlockInfluenceReduction.PerToken,
                              int blockSize = 1) =>
        LayerScorer.Score(new ScoringRequest(stories.Folder, metric, metric.NeedsCalibration() ? Calibration : null,
            BiReduction: bi, BlockSize: blockSize, LowMemory: lowMemory), CPU, ScalarType.Float32);

    // Pinned on stories260K with tinystories calibration (10 × 128 tokens, seed 42), fp32 on CPU.
    public static TheoryData<string, double[], int[]> Pinned => new()
    {
        { "reverse-order", [4, 3, 2, 1, 0], [4, 3, 2, 1, 0] },
        { "random", [4, 1, 2, 0, 3], [3, 1, 2, 4, 0] },
        { "magnitude-l1", [4494.02, 4643.10, 4530.12, 4743.51, 4816.83], [0, 2, 1, 3, 4] },
        { "magnitude-l2", [955.187, 1086.72, 933.660, 1038.11, 989.739], [2, 0, 4, 3, 1] },
        { "taylor", [8.0775, 9.72072, 9.65177, 10.1386, 9.77274], [0, 2, 1, 4, 3] },
        { "perplexity", [57.9336, 16.2638, 10.1343, 12.0713, 12.3101], [2, 3, 4, 1, 0] },
        { "block-influence", [0.221524, 0.145627, 0.122129, 0.117877, 0.139064], [3, 2, 4, 1, 0] },
        { "angular", [0.217337, 0.196191, 0.168255, 0.160431, 0.171568], [3] },
    };

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Score_EveryMetric_IsDeterministicAndPinned(string metric, double[] expected, int[] order)
    {
        var first = Score(ScoringMetrics.Parse(metric));
        var second = Score(ScoringMetrics.Parse(metric));
        Assert.Equal(first.Layers, second.Layers);
        Assert.Equal(order, first.RemovalOrder);
        Assert.Equal(expected.Length, first.Layers.Count);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(first.Layers[i].Score - expected[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])) + 1e-6,
                $"{metric} layer {i}: {first.Layers[i].Score} vs {expected[i]}");
    }

    // Windows of one layer are the perplexity metric; of two, the last window hurts least (pinned like the table above).
    [Fact]
    public void Window_OfOneLayerIsPerplexity_OfTwoRemovesTheBestWindowWhole()
    {
        Assert.Equal(Score(ScoringMetric.Perplexity).Layers, Score(ScoringMetric.Window).Layers);
        var two = Score(ScoringMetric.Window, blockSize: 2);
        Assert.Equal([3, 4], two.RemovalOrder);
        Assert.Equal(2, two.Settings.BlockSize);
        double[] expected = [598.851, 63.9998, 84.6955, 55.6878];
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(two.Layers[i].Score - expected[i]) <= 1e-5 * expected[i], $"window {i}: {two.Layers[i].Score}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Magnitude_EqualsSumOverLlama2cArrays(int p)
    {
        var scores = Score(p == 1 ? ScoringMetric.MagnitudeL1 : ScoringMetric.MagnitudeL2);
        var reference = new Llama2cReference(SharedData.Stories260K);
        for (int l = 0; l < 5; l++)
        {
            double expected = reference.Magnitude(l, p);
            Assert.True(Math.Abs(scores.Layers[l].Score - expected) < 1e-9 * expected, $"layer {l}: {scores.Layers[l].Score} vs {expected}");
        }
    }

    [Theory]
    [InlineData(BlockInfluenceReduction.PerToken)]
    [InlineData(BlockInfluenceReduction.Flattened)]
    public void BlockInfluence_EqualsIndependentLlama2cComputation(BlockInfluenceReduction reduction)
    {
        var scores = Score(ScoringMetric.BlockInfluence, bi: reduction);
        var states = ReferenceStates(stories.Folder); // [sample][l][pos][dim]
        for (int l = 0; l < 5; l++)
        {
            var pairs = states.SelectMany(s => s[l].Zip(s[l + 1])).ToArray();
            double cosine = reduction == BlockInfluenceReduction.PerToken
                ? pairs.Average(p => Cos(p.First, p.Second))
                : Cos(pairs.SelectMany(p => p.First).ToArray(), pairs.SelectMany(p => p.Second).ToArray());
            Assert.True(Math.Abs(scores.Layers[l].Score - (1 - cosine)) < 1e-5, $"layer {l}: {scores.Layers[l].Score} vs {1 - cosine}");
        }
    }

    private static double[][][][]? referenceStates;

    // The reference walk is slow (double precision, one token at a time): compute it once for both reductions.
    private static double[][][][] ReferenceStates(string folder)
    {
        if (referenceStates is not null) return referenceStates;
        var windows = CalibrationSet.Load(Calibration, TokenizerLoader.FromFolder(folder), 10, 128, 42).Windows;
        var reference = new Llama2cReference(SharedData.Stories260K);
        return referenceStates = windows.AsParallel().AsOrdered().Select(w => reference.HiddenStates(w.Select(t => (int)t).ToArray())).ToArray();
    }

    private static double Cos(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    [Theory]
    [InlineData(ScoringMetric.Perplexity)]
    [InlineData(ScoringMetric.BlockInfluence)]
    [InlineData(ScoringMetric.Angular)]
    public void LowMemoryMode_GivesTheSameScores(ScoringMetric metric)
    {
        var inMemory = Score(metric);
        var layerByLayer = Score(metric, lowMemory: true);
        Assert.Equal(inMemory.RemovalOrder, layerByLayer.RemovalOrder);
        foreach (var (a, b) in inMemory.Layers.Zip(layerByLayer.Layers)) Assert.Equal(a.Score, b.Score, 5);
    }

    [Fact]
    public void Angular_BlockOfTwo_ScoresEveryStartAndRemovesTheBestBlock()
    {
        var scores = Score(ScoringMetric.Angular, blockSize: 2);
        Assert.Equal([0, 1, 2, 3], scores.Layers.Select(l => l.Index));
        int best = scores.Layers.MinBy(l => l.Score)!.Index;
        Assert.Equal([best, best + 1], scores.RemovalOrder);
        Assert.Equal(2, scores.Settings.BlockSize);
    }

    [Fact]
    public void Scores_RecordCalibrationAndModelIdentity_AndRoundTripThroughJson()
    {
        using var temp = new TempFolder();
        var scores = Score(ScoringMetric.BlockInfluence);
        scores.Save(temp["scores.json"]);
        var loaded = LayerScores.Load(temp["scores.json"]);
        Assert.Equal(scores.Layers, loaded.Layers);
        Assert.Equal(scores.RemovalOrder, loaded.RemovalOrder);
        Assert.Equal((10, 128, 42L), (loaded.Calibration!.Samples, loaded.Calibration.SeqLen, loaded.Calibration.Seed));
        Assert.Equal(64, loaded.Calibration.Sha256.Length);
        Assert.Equal(5, loaded.Model.NumHiddenLayers);
        Assert.Equal("per-token", loaded.Settings.BiReduction);
        string json = File.ReadAllText(temp["scores.json"]);
        Assert.Contains("\"removal_order\"", json);
        Assert.Contains("\"seq_len\": 128", json);
    }

    [Fact]
    public void Calibration_ShorterThanSamplesTimesSeqLen_IsRejected()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["short.txt"], "Once upon a time there was a cat.");
        var error = Assert.Throws<Core.InvalidInputException>(() =>
            CalibrationSet.Load(temp["short.txt"], TokenizerLoader.FromFolder(stories.Folder), 10, 128, 42));
        Assert.Contains("fewer than samples × seq-len = 10 × 128 = 1280", error.Message);
    }
}
