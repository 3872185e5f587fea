using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Tests.Publishing;

public sealed class RunFolderReadTests
{
    [Fact]
    public void Read_TypesResultsJson_VerdictMetricsGatesPruningAndCharts()
    {
        var run = RunFolder.Read(RunFolderFixture.Create(passed: false));
        Assert.Equal("demo-pruned", run.Name);
        Assert.Equal(Verdict.GateFailed, run.Verdict);
        Assert.Equal(0.93, run.Baseline["facts.acc"]);
        Assert.Equal(1.0, run.Candidate["new.metric"]);
        Assert.False(run.Baseline.ContainsKey("new.metric"));
        Assert.Equal(["facts.acc"], run.TaskMetrics);
        Assert.Equal(2, run.Gates.Count);
        var failed = Assert.Single(run.FailedGates);
        Assert.Equal(new GateVerdict("facts.acc", "max_drop 0.01", 0.93, 0.9123456, false, "dropped 0.0177 > 0.01 | by 0.0077"), failed);
        var pruning = Assert.Single(run.Pruning);
        Assert.Equal(("angular", 8, 6, 120_000L, 100_000L), (pruning.Method, pruning.LayersBefore, pruning.LayersAfter, pruning.ParametersBefore,
            pruning.ParametersAfter));
        Assert.Equal([5, 6], pruning.RemovedLayers);
        Assert.Equal([RunSummary.ScoresChart, RunSummary.TasksChart], run.Charts);
        Assert.Null(run.Finished);
        Assert.Empty(run.Stages);
    }

    [Fact]
    public void Read_WhatResultsWrote_GivesTheSameResultsBack_WithTheManifestsTimesAndStages()
    {
        var finished = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        var written = new RunSummary("tiny", Verdict.Passed, new Dictionary<string, double?> { ["a.acc"] = 0.5, ["ppl"] = double.NaN },
            new Dictionary<string, double?> { ["a.acc"] = 0.25, ["ppl"] = 3 }, [new GateVerdict("a.acc", "min 0.1", 0.5, 0.25, true, "ok")],
            [new PruningSummary("taylor", [3], 4, 3, 400, 300)])
        {
            Evaluations = [new StageMetrics("heal", new Dictionary<string, double?> { ["a.acc"] = 0.2 })],
        };
        string dir = Directory.CreateTempSubdirectory("mc-runfolder-").FullName;
        string results = RunFolder.Results(written).ToJsonString();
        File.WriteAllText(Path.Combine(dir, RunFolder.ResultsFile), results);
        File.WriteAllText(Path.Combine(dir, RunFolder.ManifestFile), new JsonObject
        {
            ["started"] = finished.AddMinutes(-5).ToString("O"), ["finished"] = finished.ToString("O"),
            ["effective_config"] = new JsonObject { ["model"] = new JsonObject { ["source"] = "builtin:demo" } },
            ["stages"] = new JsonArray(new JsonObject { ["id"] = "prune", ["type"] = "prune", ["cached"] = true, ["seconds"] = 1.5, ["peak_rss_bytes"] = 7 }),
        }.ToJsonString());

        var read = RunFolder.Read(dir);

        Assert.Equal(results, RunFolder.Results(read).ToJsonString());
        Assert.Null(read.Baseline["ppl"]);
        Assert.Equal(finished, read.Finished);
        Assert.Equal(finished.AddMinutes(-5), read.Started);
        Assert.Equal("builtin:demo", read.ModelSource);
        Assert.Equal([new StageTiming("prune", "prune", true, 1.5, 7)], read.Stages);
        Assert.Empty(read.Charts);
    }

    [Fact]
    public void Read_SparseResults_FieldsItLacksAreEmpty_AndAnyVerdictButPassedIsAFailure()
    {
        string dir = Directory.CreateTempSubdirectory("mc-runfolder-").FullName;
        File.WriteAllText(Path.Combine(dir, RunFolder.ResultsFile), """{"name": "x", "verdict": "unknown", "pruning": [{"method": "m", "removed_layers": [6, 7]}]}""");
        var run = RunFolder.Read(dir);
        Assert.Equal(Verdict.GateFailed, run.Verdict);
        Assert.Empty(run.Gates);
        Assert.Empty(run.Candidate);
        Assert.Equal(new PruningSummary("m", run.Pruning[0].RemovedLayers, 0, 0, 0, 0), run.Pruning[0]);
        Assert.Equal([6, 7], run.Pruning[0].RemovedLayers);
    }

    [Fact]
    public void Read_FolderWithoutResults_SaysItIsNotARunFolder()
    {
        string dir = Directory.CreateTempSubdirectory("mc-runfolder-").FullName;
        var error = Assert.Throws<FileNotFoundException>(() => RunFolder.Read(dir));
        Assert.Equal($"{dir} is not a run folder: results.json is missing.", error.Message);
    }
}
