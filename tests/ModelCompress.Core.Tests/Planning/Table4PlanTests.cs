using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Planning;

namespace ModelCompress.Core.Tests.Planning;

/// <summary>
/// samples/plans/llama31-8b-table4.yaml (Llama-3.1-8B, config.json only, compute.device cuda) plans on this CPU-only machine:
/// every method of the paper's Table 4 gets per-stage memory and time and a verdict.
/// </summary>
public sealed class Table4PlanTests : IDisposable
{
    private static readonly string Sample = Path.Combine(RepoPaths.Root, "samples", "plans", "llama31-8b-table4.yaml");
    private readonly TempFolder temp = new();

    private PipelinePlan Plan(string method) =>
        PipelinePlanner.Full(PipelineConfigLoader.LoadForPlan(Sample, [$"stages.1.method={method}"]), new RunOptions(temp["runs"]),
            () => null);

    [Fact]
    public void Lora_OnA100_40GB_FitsOne()
    {
        var plan = Plan("lora");
        Assert.Equal(("cuda", "A100-40GB"), (plan.Target.Kind, plan.Target.Name));
        Assert.Equal(["base", "prune", "heal"], plan.Steps.Select(s => s.Id));
        var heal = plan.Steps[2].Estimate!;
        Assert.Equal(24, plan.Steps[2].Layers);
        // 6,285,365,248 weights in bf16 and 15,728,640 fp32 adapters (the paper's 15.7M trainable).
        Assert.Equal(6_285_365_248L * 2 + 15_728_640L * 4, heal.Memory.Weights);
        Assert.Equal(15_728_640L * 4, heal.Memory.Gradients);
        Assert.InRange(heal.PeakBytes, 20L << 30, 26L << 30);
        Assert.InRange(heal.Seconds, 3000, 6000);    // 4 x 6.81e9 x 25.5M tokens at 124.8 TFLOPS
        Assert.Equal(1, plan.Verdict.Devices);
        Assert.Contains("fits on one A100-40GB", plan.Verdict.Text);
        Assert.True(plan.Steps[1].Estimate!.Streams);
    }

    [Fact]
    public void PartialWithTheInMemoryCache_NeedsSeveralA100s()
    {
        var plan = Plan("partial");
        var heal = plan.Steps[2].Estimate!;
        // lm_head + norm + 3 layers: the paper's 1.18B trainable, bf16 gradients and two AdamW states.
        Assert.Equal(3L * 2 * (525_336_576 + 4096 + 3L * 218_112_000), heal.Memory.Gradients + heal.Memory.Optimizer);
        // Every example's 4096-wide bf16 prefix output stays on the device: one epoch, 1556 x 64 x 256 / 2 tokens (no data file).
        Assert.Equal(1556L * 64 * 256 / 2 * 4096 * 2, heal.Memory.Cache);
        Assert.True(plan.Verdict.Devices > 2, plan.Verdict.Text);
    }

    [Fact]
    public void QLora_StoresNf4_ButKeepsDequantizedWeightsForBackward()
    {
        var heal = Plan("qlora").Steps[2].Estimate!;
        Assert.InRange(heal.Memory.Weights, 4L << 30, 6L << 30);
        Assert.InRange(heal.Memory.Activations, 15L << 30, 20L << 30);
    }

    public void Dispose() => temp.Dispose();
}
