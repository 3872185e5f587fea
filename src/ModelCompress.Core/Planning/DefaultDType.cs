using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Planning;

/// <summary>
/// <c>compute.dtype: auto</c> on the CPU is fp32, except for a bf16 checkpoint whose fp32 weights (plus the process's runtime)
/// would not fit in the available memory: that one loads as bf16, halving its weights, and the log says why.
/// </summary>
public static class DefaultDType
{
    /// <summary>The dtype for <paramref name="config"/> with <paramref name="availableBytes"/> (0: unknown, fp32) and the reason.</summary>
    public static (ScalarType DType, string Reason) OnCpu(LlamaConfig config, long availableBytes, string source)
    {
        long fp32 = ModelDims.Of(config).Parameters(config.NumHiddenLayers) * 4 + PlanTarget.CpuRuntimeBytes;
        bool bf16Checkpoint = config.TorchDtype is "bfloat16" or "bf16";
        if (!bf16Checkpoint || availableBytes <= 0 || fp32 <= availableBytes)
            return (ScalarType.Float32, "compute.dtype auto: fp32 on the CPU");
        return (ScalarType.BFloat16, $"compute.dtype auto: the checkpoint is bf16 and its fp32 weights ({PlanVerdict.Gib(fp32)} with " +
            $"the runtime) do not fit in {PlanVerdict.Gib(availableBytes)} ({source}): computing in bf16 on the CPU " +
            "(set compute.dtype: fp32 to insist)");
    }
}
