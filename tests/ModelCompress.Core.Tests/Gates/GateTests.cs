using ModelCompress.Core.Config;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Tests.Gates;

public sealed class GateTests
{
    private static MetricValues Values(Dictionary<string, double> values, Dictionary<string, bool[]>? items = null) => new(values, items ?? []);

    [Fact]
    public void McNemar_PinnedItems_GiveTheHandComputedPValue()
    {
        // 12 discordant items: the baseline alone is right on 10, the candidate alone on 2; 6 concordant items.
        // p = P(X ≥ 10 | n = 12, 1/2) = (C(12,10) + C(12,11) + C(12,12)) / 2^12 = (66 + 12 + 1) / 4096.
        bool[] baseline = [.. Enumerable.Repeat(true, 10), false, false, true, true, true, false, false, false];
        bool[] candidate = [.. Enumerable.Repeat(false, 10), true, true, true, true, true, false, false, false];
        var result = McNemarTest.Run(baseline, candidate);
        Assert.Equal((10, 2), (result.BaselineOnly, result.CandidateOnly));
        Assert.Equal(79.0 / 4096, result.PValue, 15);
    }

    [Theory]
    [InlineData(0, 0, 1.0)]
    [InlineData(5, 0, 1.0)]
    [InlineData(5, 5, 1.0 / 32)]
    [InlineData(20000, 10000, 0.5028209126561102)] // exact (big-integer) value; symmetric: 1/2 + P(X = n/2)/2
    public void BinomialUpperTail(int n, int k, double expected) => Assert.Equal(expected, McNemarTest.UpperTail(n, k), 8);

    [Fact]
    public void Gates_ReportWhichConditionFailedAndByHowMuch()
    {
        var baseline = Values(new() { ["average.acc"] = 0.60, ["wikitext2.word_perplexity"] = 20, ["parameters"] = 1000 });
        var candidate = Values(new() { ["average.acc"] = 0.52, ["wikitext2.word_perplexity"] = 23, ["parameters"] = 750 });
        GateConfig Gate(string metric, double? min = null, double? max = null, double? drop = null, double? rel = null) => new(metric, min, max, drop, rel, null);
        var verdicts = GateEvaluator.Evaluate(
        [
            Gate("average.acc", drop: 0.05),
            Gate("average.acc", min: 0.5),
            Gate("wikitext2.word_perplexity", rel: 10),
            Gate("wikitext2.word_perplexity", rel: 20),
            Gate("parameters", max: 800),
        ], baseline, candidate);
        Assert.Equal([false, true, false, true, true], verdicts.Select(v => v.Passed));
        Assert.Equal("worse by 0.08 > 0.05 allowed (0.03 over)", verdicts[0].Detail);
        Assert.Equal("worse by 15% > 10% allowed (5 points over)", verdicts[2].Detail);
        Assert.Equal("worse by 15% ≤ 20% allowed", verdicts[3].Detail);
        Assert.Equal("750 ≤ 800", verdicts[4].Detail);
    }

    [Fact]
    public void Gates_SayBetterWhenTheCandidateImproved_PerplexityLowerAccuracyHigher()
    {
        // The case: perplexity 3.70 → 3.47 is 6.2% better, not "worse by 0%".
        var baseline = Values(new() { ["wikitext2.word_perplexity"] = 3.70, ["facts.acc"] = 0.60, ["piqa.acc"] = 0.7 });
        var candidate = Values(new() { ["wikitext2.word_perplexity"] = 3.47, ["facts.acc"] = 0.63, ["piqa.acc"] = 0.7 });
        var verdicts = GateEvaluator.Evaluate(
        [
            new GateConfig("wikitext2.word_perplexity", null, null, null, 30, null),
            new GateConfig("facts.acc", null, null, 0.05, null, null),
            new GateConfig("facts.acc", null, null, null, 1, null),
            new GateConfig("piqa.acc", null, null, 0.01, null, null),
        ], baseline, candidate);
        Assert.All(verdicts, v => Assert.True(v.Passed));
        Assert.Equal(["better by 6.2%", "better by 0.03", "better by 5%", "unchanged"], verdicts.Select(v => v.Detail));
    }

    [Fact]
    public void AccuracyAtChance_PassesButTheDetailWarns()
    {
        // 4 choices: chance 0.25. The candidate's 0.3 ± 0.05 is 1 stderr from chance; the baseline's 0.8 ± 0.04 is far from it.
        var baseline = Values(new() { ["arc_easy.acc"] = 0.8 }) with
        {
            Stats = new Dictionary<string, MetricStats> { ["arc_easy.acc"] = new(100, 0.04, 0.25) },
        };
        var candidate = Values(new() { ["arc_easy.acc"] = 0.3 }) with
        {
            Stats = new Dictionary<string, MetricStats> { ["arc_easy.acc"] = new(100, 0.05, 0.25) },
        };
        var verdict = Assert.Single(
            GateEvaluator.Evaluate([new GateConfig("arc_easy.acc", 0.2, null, null, null, null)], baseline, candidate));
        Assert.True(verdict.Passed);
        Assert.Equal("0.3 ≥ 0.2 ⚠️ the candidate's arc_easy.acc 0.3 ± 0.05 (n = 100) is within 2 standard errors of chance " +
                     "(0.25): a broken model scores at chance.", verdict.Detail);
    }

    [Theory]
    [InlineData(0.25, 0.0, true)]   // exactly at chance, no spread
    [InlineData(0.34, 0.05, true)]  // 1.8 stderr above chance
    [InlineData(0.36, 0.05, false)] // 2.2 stderr above
    [InlineData(0.14, 0.05, false)] // 2.2 stderr below
    public void NearChance_IsWithinTwoStandardErrors(double value, double stderr, bool near) =>
        Assert.Equal(near, new MetricStats(50, stderr, 0.25).NearChance(value));

    [Fact]
    public void NearChance_NeedsAChanceLevelAndAStderr()
    {
        Assert.False(new MetricStats(50, null, 0.25).NearChance(0.25));
        Assert.False(new MetricStats(50, 0.05, null).NearChance(0.25));
        Assert.False(new MetricStats(1, double.NaN, 0.25).NearChance(0.25));
    }

    [Fact]
    public void NotSignificantlyWorse_UsesPairedItems()
    {
        bool[] b = [.. Enumerable.Repeat(true, 10), false, false, true, true, true, false, false, false];
        bool[] c = [.. Enumerable.Repeat(false, 10), true, true, true, true, true, false, false, false];
        var baseline = Values(new() { ["arc_easy.acc"] = 13 / 18.0 }, new() { ["arc_easy.acc"] = b });
        var candidate = Values(new() { ["arc_easy.acc"] = 5 / 18.0 }, new() { ["arc_easy.acc"] = c });
        var strict = GateEvaluator.Evaluate([new GateConfig("arc_easy.acc", null, null, null, null, new SignificanceConfig(0.05))], baseline, candidate);
        var lenient = GateEvaluator.Evaluate([new GateConfig("arc_easy.acc", null, null, null, null, new SignificanceConfig(0.01))], baseline, candidate);
        Assert.False(strict[0].Passed);
        Assert.True(lenient[0].Passed);
        Assert.Equal("McNemar exact one-sided p = 0.01929 (10 items only the baseline got right, 2 only the candidate) < α = 0.05", strict[0].Detail);
    }

    [Fact]
    public void MissingMetric_FailsTheGate()
    {
        var verdicts = GateEvaluator.Evaluate([new GateConfig("piqa.acc", 0.5, null, null, null, null)], Values([]), Values([]));
        Assert.False(Assert.Single(verdicts).Passed);
        Assert.Equal("'piqa.acc' is not in the candidate's results.", verdicts[0].Detail);
    }
}
