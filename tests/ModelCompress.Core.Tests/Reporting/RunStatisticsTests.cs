using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Tests.Reporting;

/// <summary>n, stderr and chance: read from an evaluate stage's files, carried in results.json, and which scores are charted.</summary>
public sealed class RunStatisticsTests : IDisposable
{
    private readonly TempFolder temp = new("mc-stats-");

    [Fact]
    public void EvaluationStats_ReadsNAndStderrFromTheHarnessKeys_ChanceFromEachItemsChoices()
    {
        File.WriteAllText(Path.Combine(temp, EvaluationArtifact.ResultsFile), """
            {"results": {
               "arc_easy": {"acc,none": 0.5, "acc_stderr,none": 0.2, "acc_norm,none": 0.75, "acc_norm_stderr,none": 0.25},
               "piqa": {"acc,none": 0.5, "acc_stderr,none": 0.5},
               "heldout": {"word_perplexity,none": 3.5, "word_perplexity_stderr,none": "N/A", "tokens": 900}},
             "n-samples": {"arc_easy": {"effective": 4}, "piqa": {"effective": 2}, "heldout": {"effective": 9}}}
            """);
        // arc_easy items have 4, 4, 2 and 5 choices, piqa's 2 each: one [log-likelihood, is_greedy] pair per choice.
        string Line(int choices) =>
            $$"""{"doc_id": 0, "filtered_resps": [{{string.Join(", ", Enumerable.Repeat("[\"-1.0\", \"False\"]", choices))}}]}""";
        File.WriteAllLines(Path.Combine(temp, "samples_arc_easy.jsonl"), [.. new[] { 4, 4, 2, 5 }.Select(Line)]);
        File.WriteAllLines(Path.Combine(temp, "samples_piqa.jsonl"), [Line(2), Line(2)]);

        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(temp, EvaluationArtifact.ResultsFile)))!.AsObject();
        var stats = EvaluationStats.Read(temp, results);

        double arcChance = (0.25 + 0.25 + 0.5 + 0.2) / 4;
        Assert.Equal(new MetricStats(4, 0.2, arcChance), stats["arc_easy.acc"]);
        Assert.Equal(new MetricStats(4, 0.25, arcChance), stats["arc_easy.acc_norm"]);
        Assert.Equal(new MetricStats(2, 0.5, 0.5), stats["piqa.acc"]);
        Assert.Equal(new MetricStats(9), stats["heldout.word_perplexity"]);
        // The unweighted mean of two independent task means: stderr sqrt(0.2² + 0.5²) / 2, chance the mean of theirs.
        var average = stats["average.acc"];
        Assert.Equal((6, (arcChance + 0.5) / 2), (average.N, average.Chance!.Value));
        Assert.Equal(Math.Sqrt(0.04 + 0.25) / 2, average.Stderr!.Value, 12);
    }

    [Fact]
    public void EvaluationStats_GivesAGroupItsSubtasksItems_AndCountsItOnceInTheAverage()
    {
        var json = JsonNode.Parse("""
            {"results": {"mmlu": {"acc,none": 0.5, "acc_stderr,none": 0.1}, "mmlu_stem": {"acc,none": 0.5},
                         "mmlu_anatomy": {"acc,none": 0.5}, "mmlu_virology": {"acc,none": 0.5}},
             "group_subtasks": {"mmlu": ["mmlu_stem"], "mmlu_stem": ["mmlu_anatomy", "mmlu_virology"]},
             "n-samples": {"mmlu_anatomy": {"effective": 3}, "mmlu_virology": {"effective": 1}}}
            """)!.AsObject();
        File.WriteAllLines(Path.Combine(temp, "samples_mmlu_anatomy.jsonl"),
            [.. Enumerable.Repeat("""{"filtered_resps": [["-1", "False"], ["-1", "False"], ["-1", "False"], ["-1", "False"]]}""", 3)]);
        File.WriteAllLines(Path.Combine(temp, "samples_mmlu_virology.jsonl"), ["""{"filtered_resps": [["-1", "False"], ["-1", "False"]]}"""]);

        var stats = EvaluationStats.Read(temp, json);

        Assert.Equal(new MetricStats(4, 0.1, (3 * 0.25 + 0.5) / 4), stats["mmlu.acc"]);
        Assert.Equal(new MetricStats(1, null, 0.5), stats["mmlu_virology.acc"]);
        Assert.Equal(stats["mmlu.acc"], stats["average.acc"]);
    }

    [Fact]
    public void ResultsJson_CarriesTheStatistics_UnderNewKeys_AndReadsThemBack()
    {
        var written = new RunSummary("tiny", Verdict.Passed, new Dictionary<string, double?> { ["a.acc"] = 0.5 },
            new Dictionary<string, double?> { ["a.acc"] = 0.3 }, [], [])
        {
            BaselineStats = new Dictionary<string, MetricStats> { ["a.acc"] = new(40, 0.079, 0.25) },
            CandidateStats = new Dictionary<string, MetricStats> { ["a.acc"] = new(40, 0.0734, 0.25), ["ppl"] = new(7) },
        };
        var json = RunFolder.Results(written);
        Assert.Equal("""{"a.acc":{"n":40,"stderr":0.0734,"chance":0.25},"ppl":{"n":7,"stderr":null,"chance":null}}""",
            json["statistics"]!["candidate"]!.ToJsonString());
        Assert.Equal(0.3, json["candidate"]!["a.acc"]!.GetValue<double>()); // the existing keys are as they were
        File.WriteAllText(Path.Combine(temp, RunFolder.ResultsFile), json.ToJsonString());

        var read = RunFolder.Read(temp);

        Assert.Equal(written.BaselineStats, read.BaselineStats);
        Assert.Equal(written.CandidateStats, read.CandidateStats);
        Assert.Single(read.ChanceWarnings); // the candidate's 0.3 ± 0.0734 is within 2 stderr of 0.25
    }

    [Fact]
    public void ScoresChart_ChartsTheScoreStagesScores_NotALaterPruneStagesReverseOrderStaircase()
    {
        string score = temp["score"], prune = temp["prune"], later = temp["later"];
        foreach (string folder in new[] { score, prune, later })
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, StageFiles.Scores), "{}");
        }
        var ledger = new RunLedger();
        ledger.ScoresFileWritten(prune);
        Assert.Equal(Path.Combine(prune, StageFiles.Scores), ledger.ScoresFile); // no score stage yet: the prune stage's
        ledger.AddScores("score", new StageOutput(score, "key"));
        ledger.ScoresFileWritten(later);
        Assert.Equal(Path.Combine(score, StageFiles.Scores), ledger.ScoresFile);
    }

    public void Dispose() => temp.Dispose();
}
