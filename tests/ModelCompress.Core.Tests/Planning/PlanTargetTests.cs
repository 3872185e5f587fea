using ModelCompress.Core.Config;
using ModelCompress.Core.Planning;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Planning;

/// <summary>A plan's target is resolved from the settings alone: CUDA is planned on a machine without it.</summary>
public sealed class PlanTargetTests
{
    private const string Meminfo = "MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:   20000000 kB\n";

    [Fact]
    public void Cuda_OnThisCpuMachine_UsesTheGpuTable()
    {
        var t = PlanTarget.Resolve(new ComputeChoice("cuda", "auto", 0, "H100-80GB", null), () => Meminfo, () => false);
        Assert.Equal(("cuda", "H100-80GB", ScalarType.BFloat16, 81_559L << 20), (t.Kind, t.Name, t.DType, t.MemoryBytes));
        Assert.Equal(989.4 * PlanTarget.GpuEfficiency, t.Tflops, 9);
        Assert.Equal(TorchSharp.DeviceType.CUDA, PlanTarget.DeviceOf(t.Kind).type);
    }

    [Fact]
    public void CudaWithoutAGpuName_AssumesTheDefault_AndMeasuredTflopsWin()
    {
        var t = PlanTarget.Resolve(new ComputeChoice("cuda", "fp32", 0, null, 55.5), () => null, () => false);
        Assert.Equal((PlanTarget.DefaultGpu, ScalarType.Float32, 55.5), (t.Name, t.DType, t.Tflops));
        Assert.Contains("not set", t.MemorySource);
    }

    [Fact]
    public void CpuAndAuto_ReadAvailableMemory_AndTheThreads()
    {
        var cpu = PlanTarget.Resolve(new ComputeChoice("auto", "bf16", 4, null, null), () => Meminfo, () => false);
        Assert.Equal(("cpu", 20_000_000L * 1024, 4 * PlanTarget.CpuGflopsPerThread / 1000), (cpu.Kind, cpu.MemoryBytes, cpu.Tflops));
        var auto = PlanTarget.Resolve(new ComputeChoice("auto", "auto", 0, "L4", null), () => Meminfo, () => false);
        Assert.Equal(("cuda", ScalarType.BFloat16), (auto.Kind, auto.DType));
        Assert.Throws<InvalidInputException>(() =>
            PlanTarget.Resolve(new ComputeChoice("cpu", "fp16", 0, null, null), () => null, () => false));
    }

    [Fact]
    public void TheSchemaNamesEveryGpuOfTheTable() => Assert.Equal(GpuCatalog.Names, PipelineSchema.GpuNames);
}
