using ModelCompress.Core.Gates;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Tests.Reporting;

public sealed class RunReportTests
{
    private static readonly RunSummary Failed = new("demo-pruned", Verdict.GateFailed,
        new Dictionary<string, double?> { ["facts.acc"] = 0.93, ["heldout.word_perplexity"] = 3.62, ["parameters"] = 120_000 },
        new Dictionary<string, double?> { ["facts.acc"] = 0.9123456, ["heldout.word_perplexity"] = 3.34, ["parameters"] = 100_000, ["new.metric"] = 1 },
        [
            new GateVerdict("heldout.word_perplexity", "max_relative_drop 10%", 3.62, 3.34, true, "improved"),
            new GateVerdict("facts.acc", "max_drop 0.01", 0.93, 0.9123456, false, "dropped 0.0177 > 0.01 | by 0.0077"),
        ],
        [new PruningSummary("angular", [5, 6], 8, 6, 120_000, 100_000)])
    {
        Evaluations =
        [
            new StageMetrics("after-prune", new Dictionary<string, double?> { ["facts.acc"] = 0.5, ["heldout.word_perplexity"] = 9.25 }),
            new StageMetrics("final", new Dictionary<string, double?>()),
        ],
        Stages = [new StageTiming("prune", "prune", false, 2.34, 3 * 1048576), new StageTiming("eval", "evaluate", true, 0, 0)],
        Started = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero),
        Finished = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero),
        Charts = [RunSummary.TasksChart],
        BaselineStats = new Dictionary<string, MetricStats>
        {
            ["facts.acc"] = new(72, 0.0303, 0.25), ["heldout.word_perplexity"] = new(53),
        },
        CandidateStats = new Dictionary<string, MetricStats>
        {
            ["facts.acc"] = new(72, 0.0335, 0.25), ["heldout.word_perplexity"] = new(53),
        },
    };

    // A broken export: the candidate scores 0.3 ± 0.05 on a four-choice task, 1 stderr from chance.
    private static readonly RunSummary AtChance = Failed with
    {
        Candidate = new Dictionary<string, double?> { ["facts.acc"] = 0.3 },
        CandidateStats = new Dictionary<string, MetricStats> { ["facts.acc"] = new(72, 0.05, 0.25) },
    };

    [Fact]
    public void Markdown_FailedRun_VerdictFirst_GatesMetricsAfterEachEvaluationStagesAndCharts() =>
        Assert.Equal(ExpectedReport, RunReport.Markdown(Failed).Replace(ToolInfo.Version, "VERSION", StringComparison.Ordinal).ReplaceLineEndings("\n"));

    [Fact]
    public void ReportAndReview_ShareTheirParts_PruningLineAndMetricRows()
    {
        string report = RunReport.Markdown(Failed), review = RunReport.Review(Failed, [], null, null);
        string removed = "Removed layers 5, 6 (angular): 8 → 6 layers, 120,000 → 100,000 parameters (16.7% fewer).";
        foreach (string line in new[] { removed, "| new.metric |  | — | 1 |  |" })
            Assert.Contains(line, review);
        Assert.Contains(removed, report);
        Assert.Contains("| new.metric |  | — | — | 1 |  |", report);
        Assert.Contains("| facts.acc | max_drop 0.01 | 72 | 0.93 ± 0.0303 | 0.9123 ± 0.0335 | ❌ dropped 0.0177 > 0.01 \\| by 0.0077 |",
            review);
    }

    [Fact]
    public void ReportAndReview_WarnUnderTheVerdict_WhenAnAccuracyIsAtChance()
    {
        const string Warning = "- ⚠️ the candidate's facts.acc 0.3 ± 0.05 (n = 72) is within 2 standard errors of chance (0.25): " +
                               "a broken model scores at chance.";
        Assert.Equal([Warning[2..]], AtChance.ChanceWarnings);
        Assert.Contains($"The model was not published.\n\n{Warning}\n\nRemoved layers",
            RunReport.Markdown(AtChance).ReplaceLineEndings("\n"));
        Assert.Contains($"{Warning}\n\nRemoved layers", RunReport.Review(AtChance, [], null, null).ReplaceLineEndings("\n"));
        Assert.Empty(Failed.ChanceWarnings);
    }

    private const string ExpectedReport = """
        # ❌ FAILED — demo-pruned: 1 gate condition failed

        - **facts.acc** max_drop 0.01: dropped 0.0177 > 0.01 | by 0.0077

        The model was not published.

        Removed layers 5, 6 (angular): 8 → 6 layers, 120,000 → 100,000 parameters (16.7% fewer).

        ## Gates

        | metric | condition | n | baseline | candidate | result | detail |
        |---|---|---|---|---|---|---|
        | heldout.word_perplexity | max_relative_drop 10% | 53 | 3.62 | 3.34 | ✅ pass | improved |
        | facts.acc | max_drop 0.01 | 72 | 0.93 ± 0.0303 | 0.9123 ± 0.0335 | ❌ fail | dropped 0.0177 > 0.01 | by 0.0077 |

        ## Metrics

        | metric | n | baseline | after after-prune | candidate | Δ |
        |---|---|---|---|---|---|
        | facts.acc | 72 | 0.93 ± 0.0303 | 0.5 | 0.9123 ± 0.0335 | -0.0177 (worse) |
        | heldout.word_perplexity | 53 | 3.62 | 9.25 | 3.34 | -0.28 (better) |
        | new.metric |  | — | — | 1 |  |
        | parameters |  | 120000 | — | 100000 | -20000 (fewer) |

        ## Stages

        | stage | type | cached | seconds | peak memory |
        |---|---|---|---|---|
        | prune | prune | no | 2.3 | 3 MB |
        | eval | evaluate | yes | 0.0 | — |

        ![baseline vs candidate](tasks.svg)

        Run from 2026-11-28 09:00:00Z to 2026-11-28 10:00:00Z with ModelCompressTool VERSION.

        """;
}
