using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Repair;
using ModelCompress.Core.Tests.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Pipeline;

[Collection(GlobalRngCollection.Name)]
public sealed class RepairStageTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static string Text => SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");

    private string Yaml => $$"""
        name: repair-stage
        model: { source: "{{stories.Folder}}" }
        compute: { device: cpu, dtype: fp32, seed: 42 }
        calibration: { text: "{{Text}}", samples: 4, seq_len: 64 }
        stages:
          - { id: first, type: prune, layers: "1" }
          - { id: second, type: prune, layers: "1" }
          - { id: repair, type: repair, method: linear }
          - { id: eval, type: evaluate, perplexity: ["{{Text}}"], limit: 4, window: 64 }
        gates:
          - { metric: parameters, max: 250000 }
        """;

    private RunOutcome Run(string outRoot) =>
        PipelineRunner.Run(PipelineConfigLoader.Parse(Yaml, "r.yaml"), PipelineConfigLoader.ToJson(Yaml, "r.yaml"),
            new RunOptions(outRoot, false, null));

    // Two prunes of layer 1 remove layers 1 and 2 of the original: the repair fits against the unpruned model, with the kept
    // layers composed, and gives exactly what `dotnet compress repair` gives for a direct prune of 1-2. A re-run reuses it.
    [Fact]
    public void Repair_AfterTwoPrunes_FitsAgainstTheUnprunedModel_AndIsCached()
    {
        using var temp = new TempFolder();
        var run = Run(temp["runs"]);
        var step = run.Stages.Single(s => s.Id == "repair");
        Assert.False(step.Cached);
        string model = Path.Combine(step.Output, StageFiles.Model);
        var report = RepairReport.Load(model);
        Assert.Equal([1, 2], Assert.Single(report.Cuts).RemovedLayers);
        Assert.Equal(5, report.Teacher.NumHiddenLayers);

        CheckpointPruner.Prune(stories.Folder, temp["direct"], [1, 2], "explicit");
        CutRepairer.Repair(new RepairRequest(temp["direct"], stories.Folder, [0, 3, 4], temp["repaired"], RepairMethod.Linear, Text,
            Samples: 4, SeqLen: 64), CPU, ScalarType.Float32);
        Assert.Equal(DownProj(temp["repaired"]), DownProj(model));

        Assert.True(Run(temp["runs"]).Stages.Single(s => s.Id == "repair").Cached);
    }

    private static float[] DownProj(string folder)
    {
        using var reader = CheckpointReader.Open(folder);
        var (file, entry) = reader.Locate("model.layers.0.mlp.down_proj.weight");
        using var weight = file.Read(entry);
        return weight.data<float>().ToArray();
    }
}
