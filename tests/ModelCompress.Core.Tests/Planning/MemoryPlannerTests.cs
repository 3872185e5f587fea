using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Planning;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Planning;

/// <summary>
/// The estimator's figures for a tiny config, computed by hand: hidden 8, MLP 16, 2 query heads / 1 KV head of 4, vocab 32,
/// 3 layers, untied. Projections 64 + 32 + 32 + 64 + 3·128 = 576, + 2 norms = 592 a layer; embedding 256; total 2·256 + 8 +
/// 3·592 = 2296; matmul parameters 3·592 + 256 = 2032. bf16 (s = 2) on a CPU target whose runtime is 100 bytes.
/// </summary>
public sealed class MemoryPlannerTests
{
    private static readonly ModelDims Tiny = new(8, 16, 2, 1, 4, 32, 3, Tied: false, AttentionBias: false, OutputBias: false);
    private static readonly PlanTarget Cpu = new("cpu", "CPU", ScalarType.BFloat16, 1L << 30, "test", 1.0, "test", 100);
    private readonly MemoryPlanner planner = new(Tiny, Cpu);

    [Fact]
    public void Sizes_AreTheHandCountedOnes()
    {
        Assert.Equal(592, Tiny.LayerParameters);
        Assert.Equal(576, Tiny.ProjectionWeights);
        Assert.Equal(2296, Tiny.Parameters(3));
        Assert.Equal(2032, Tiny.MatmulParameters(3));
        // 8h + 7sh + 4a + 4si = 64 + 112 + 8 + 128; LoRA r=2 on all seven: 64 + 64 + 8 + 96 + (6·(5·8 + 8) + 5·16 + 8).
        Assert.Equal(312, ActivationFormulas.FullLayer(Tiny, 2));
        Assert.Equal(608, ActivationFormulas.LoraLayer(Tiny, 2, 2, LoraSettings.AllTargets.ToArray()));
        Assert.Equal(304, ActivationFormulas.ForwardLayer(Tiny, 2));
        Assert.Equal(448, ActivationFormulas.TrainingLogits(Tiny, 2));
        Assert.Equal(320, ActivationFormulas.EvaluationLogits(Tiny, 2));
    }

    [Fact]
    public void Partial_CountsWeightsStatesActivationsLogitsAndCache()
    {
        var options = new TrainingOptions { Method = FineTuneMethod.Partial, TrainableLayers = 1, MicroBatchSize = 2, MaxLength = 4,
            ValidationSize = 0 };
        var e = planner.Train(options, 3, tokens: 100, freshTokens: 40, cachedTokens: 10, spills: false);
        // Trainable: lm_head 256 + norm 8 + one layer 592 = 856, in bf16: gradients 1712, two AdamW states 3424. Logits: 8 tokens
        // x 448 and, on the CPU in bf16, lm_head's fp32 matmul scratch 256 x 4.
        Assert.Equal(new MemoryEstimate(4592, 1712, 3424, 1 * 8 * 312, 8 * 448 + 1024, 10 * 8 * 2, 0, 100, 0, 2 * 256 * 2), e.Memory);
        Assert.Equal(4592 + 1712 + 3424 + 2496 + 3584 + 1024 + 160 + 100, e.PeakBytes);
        // (2·2032 + 4·848)·40 fresh + 6·848·60 cached, P_tail = 592 + 256.
        Assert.Equal(603_520, e.Flops);
        Assert.Equal(603_520 / 1e12, e.Seconds, 15);
    }

    [Fact]
    public void Lora_TrainsFp32Adapters_AndQLoraKeepsDequantizedWeights()
    {
        var lora = new TrainingOptions { Method = FineTuneMethod.Lora, Lora = new LoraSettings(Rank: 2), MicroBatchSize = 2, MaxLength = 4,
            ValidationSize = 2 };
        // Adapters: r·(in + out) = 2·(16 + 12 + 12 + 16 + 24 + 24 + 24) = 256 a layer, 768 in all, fp32.
        Assert.Equal(768, planner.Trainable(lora, 3));
        var e = planner.Train(lora, 3, tokens: 10, freshTokens: 10, cachedTokens: 0, spills: false);
        // Step scratch: two temporaries of the largest adapter, r·(8 + 16) fp32 values.
        Assert.Equal(new MemoryEstimate(4592 + 3072, 3072, 6144, 3 * 8 * 608, 3584 + 1024, 0, 0, 100, 3072, 2 * (2 * 24) * 4),
            e.Memory);
        Assert.Equal(7664 + 3072 + 6144 + 14592 + 3584 + 1024 + 100 + 3072, e.PeakBytes);
        Assert.Equal(4.0 * 2032 * 10 + 6.0 * 768 * 10, e.Flops);

        var q = planner.Train(lora with { Method = FineTuneMethod.QLora }, 3, 10, 10, 0, false);
        // NF4: ceil(1728 · 0.515869140625) = 892; the rest (2296 − 1728) in bf16; adapters fp32.
        Assert.Equal(892 + 568 * 2 + 3072, q.Memory.Weights);
        Assert.Equal(14592 + 1728 * 2, q.Memory.Activations);
    }

    [Fact]
    public void Evaluate_AndStreamingForward()
    {
        var e = planner.Evaluate(3, batch: 2, rowTokens: 4, scoredPerRow: 1, masked: true, tokens: 50);
        // One layer's forward at 8 tokens (8·304), two hidden states (2·8·8·2), the (2, 4, 4) mask; logits of 2 positions.
        Assert.Equal(new MemoryEstimate(4592, 0, 0, 2432 + 256 + 32, 640 + 1024, 0, 0, 100, 0), e.Memory);
        Assert.Equal(0, new MemoryPlanner(Tiny, Cpu with { DType = ScalarType.Float32 }).HeadScratch);
        Assert.Equal(2.0 * 2032 * 50, e.Flops);

        var streamed = planner.Forward(3, batch: 1, seqLen: 4, tokens: 4, passes: 1, streams: true, gradients: false);
        Assert.True(streamed.Streams);
        Assert.Equal((592 + 2 * 256 + 8) * 2, streamed.Memory.Weights);
    }

    [Fact]
    public void Verdict_SplitsLayersAcrossDevices_WhenAStageIsTooLarge()
    {
        var gpu = new PlanTarget("cuda", "T", ScalarType.BFloat16, 1000, "test", 1, "test", 100);
        var small = StageEstimate.On(gpu, new MemoryEstimate(500, 0, 0, 0, 0, 0, 0, 100, 0), 0, false, "");
        var large = StageEstimate.On(gpu, new MemoryEstimate(2000, 0, 0, 0, 0, 0, 0, 100, 5000), 0, false, "");
        Assert.Equal(1, PlanVerdict.Of([("a", small)], gpu).Devices);
        var verdict = PlanVerdict.Of([("a", small), ("b", large)], gpu);
        // The host copy does not count on a GPU: (2100 − 100) / (1000 − 100) → 3 devices.
        Assert.Equal((3, 2100L, "b"), (verdict.Devices, verdict.PeakBytes, verdict.PeakStage));
        Assert.StartsWith("needs 3 x T (decoder layers split across them)", verdict.Text);
    }
}
