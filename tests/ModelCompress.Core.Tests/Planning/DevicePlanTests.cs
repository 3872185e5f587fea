using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Pipeline.Stages;
using ModelCompress.Core.Planning;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Tests.FineTuning;
using ModelCompress.Core.Tests.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Planning;

/// <summary>
/// Plans over several devices (the placement a run makes, memory per device, "needs N" naming the placement that fits) and
/// the defaults that fit: bf16 on the CPU and layer streaming when the memory limit says the whole would not fit.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class DevicePlanTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>, IDisposable
{
    private static readonly string Llama8B = Path.Combine(RepoPaths.Root, "samples", "plans", "llama31-8b");
    private static readonly Device[] Gpus = [new(TorchSharp.DeviceType.CUDA, 0), new(TorchSharp.DeviceType.CUDA, 1)];
    private readonly TempFolder temp = new();

    private PipelinePlan Plan(string yaml)
    {
        string file = Path.Combine(temp.Path, "pruning.yaml");
        File.WriteAllText(file, yaml);
        return PipelinePlanner.Full(PipelineConfigLoader.LoadForPlan(file), new RunOptions(temp["runs"]) { Environment = _ => null },
            () => null);
    }

    private static string Lora8B(string compute) => $"""
        name: lora8b
        model: {"{"} source: {Llama8B} {"}"}
        compute: {"{"} {compute} {"}"}
        stages:
          - {"{"} id: prune, type: prune, layers: "24-31" {"}"}
          - {"{"} id: heal, type: finetune, method: lora, data: missing.json, max_len: 256, micro_batch_size: 4, max_steps: 100 {"}"}
        """;

    [Fact]
    public void OneGpuTooSmall_NeedsN_AndThatPlacementFits()
    {
        var one = Plan(Lora8B("device: cuda, gpu: L4"));
        var verdict = one.Verdict;
        Assert.InRange(verdict.Devices, 2, 8);
        Assert.StartsWith($"needs {verdict.Devices} x L4", verdict.Text);
        Assert.NotNull(verdict.Placement);
        Assert.Contains("compute.devices: [cuda:0, cuda:1", verdict.Text);

        string list = string.Join(", ", Enumerable.Range(0, verdict.Devices).Select(i => $"cuda:{i}"));
        var split = Plan(Lora8B($"gpu: L4, devices: [{list}]"));
        Assert.StartsWith($"fits on {verdict.Devices} x L4", split.Verdict.Text);
        var heal = split.Steps.Single(s => s.Id == "heal").Estimate!;
        Assert.Equal(24, heal.Split!.Layers.Sum());
        Assert.All(heal.Split.Layers, n => Assert.True(n > 0));
        Assert.Equal(heal.Split.MaxBytes, heal.PeakBytes);
        Assert.Equal(verdict.Placement!.PeakBytes, heal.Split.PeakBytes);
        // Every device holds less than the one-device peak, and all of them together hold at least the weights.
        Assert.All(heal.Split.PeakBytes, p => Assert.True(p < one.Steps.Single(s => s.Id == "heal").Estimate!.PeakBytes));
        Assert.True(heal.Split.PeakBytes.Sum() > heal.Memory.Weights);
    }

    [Fact]
    public void Placement_BalancesParameters_AsTheRunDoes()
    {
        var dims = ModelDims.Of(LlamaConfig.Load(Llama8B));
        var forward = DevicePlacement.Place(Gpus, dims, 32, 2, null);
        Assert.Equal([16, 16], forward.LayersPerSlot);
        var partial = DevicePlacement.Place(Gpus, dims with { Tied = false }, 24, 2,
            new TrainingOptions { Method = FineTuneMethod.Partial, TrainableLayers = 3 });
        Assert.True(partial.LayersPerSlot[1] < partial.LayersPerSlot[0], partial.Describe());
    }

    private string Bf16Tiny()
    {
        string folder = temp["tiny-bf16"];
        using var model = ModelFactory.Create(TinyModels.Config(), CPU, ScalarType.BFloat16);
        ModelInitializer.Randomize(model, seed: 1);
        HfModelFolder.Save(model, folder);
        return folder;
    }

    private static string Prune(string source, string limit) => $"""
        name: tiny
        model: {"{"} source: {source} {"}"}
        compute: {"{"} device: cpu, memory_limit: {limit} {"}"}
        stages:
          - {"{"} id: p, type: prune, layers: "2" {"}"}
        """;

    [Fact]
    public void Bf16Checkpoint_LoadsAsBf16_OnlyWhereFp32WouldNotFit()
    {
        string folder = Bf16Tiny();
        // The tiny model's fp32 weights are ~0.3 MiB; the runtime counts 340 MiB.
        Assert.Equal(ScalarType.BFloat16, Plan(Prune(folder, "340.1MiB")).Target.DType);
        Assert.Equal(ScalarType.Float32, Plan(Prune(folder, "341MiB")).Target.DType);

        var messages = new Messages();
        string file = Path.Combine(temp.Path, "run.yaml");
        File.WriteAllText(file, Prune(folder, "340.1MiB"));
        var run = new RunContext(PipelineConfigLoader.Load(file),
            new RunOptions(temp["runs"], Progress: messages) { Environment = _ => null });
        Assert.Equal(ScalarType.Float32, run.DType);
        BaseModels.Resolve(run);
        Assert.Equal(ScalarType.BFloat16, run.DType);
        Assert.Contains(messages.Lines, m => m.StartsWith("compute.dtype auto: the checkpoint is bf16", StringComparison.Ordinal));

        var (dtype, _) = DefaultDType.OnCpu(LlamaConfig.Load(stories.Folder), 1, "test");
        Assert.Equal(ScalarType.Float32, dtype); // an fp32 checkpoint stays fp32
    }

    private static string Score(string source, string limit, string calibration) => $"""
        name: score
        model: {"{"} source: {source} {"}"}
        compute: {"{"} device: cpu, memory_limit: {limit} {"}"}
        calibration: {"{"} text: {calibration}, samples: 2, seq_len: 16 {"}"}
        stages:
          - {"{"} id: s, type: score, metric: block-influence {"}"}
        """;

    [Fact]
    public void ForwardOnlyScoring_Streams_WhenTheWholeModelWouldNotFit()
    {
        string text = SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");
        Assert.True(Plan(Score(stories.Folder, "340MiB", text)).Steps.Single(s => s.Id == "s").Estimate!.Streams);
        Assert.False(Plan(Score(stories.Folder, "2GiB", text)).Steps.Single(s => s.Id == "s").Estimate!.Streams);

        LayerScores Run(string limit, Messages messages)
        {
            string file = Path.Combine(temp.Path, $"score-{limit}.yaml");
            File.WriteAllText(file, Score(stories.Folder, limit, text));
            var run = new RunContext(PipelineConfigLoader.Load(file),
                new RunOptions(temp["runs"], Progress: messages) { Environment = _ => null });
            return ScoreStageType.Score(run, stories.Folder, ScoringMetric.BlockInfluence, BlockInfluenceReduction.PerToken, 1, null);
        }
        var streamed = new Messages();
        var whole = new Messages();
        var a = Run("340MiB", streamed);
        var b = Run("2GiB", whole);
        Assert.Contains(streamed.Lines, m => m.Contains("streaming one layer at a time", StringComparison.Ordinal));
        Assert.DoesNotContain(whole.Lines, m => m.Contains("streaming", StringComparison.Ordinal));
        Assert.Equal(a.Layers.Select(l => l.Score), b.Layers.Select(l => l.Score));
    }

    private sealed class Messages : IProgressSink
    {
        public List<string> Lines { get; } = [];
        public IProgressTask Start(string name, long total, string unit) => NullProgress.Instance;
        public void Message(string text) => Lines.Add(text);
    }

    public void Dispose() => temp.Dispose();
}
