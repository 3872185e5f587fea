using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Planning;

/// <summary>
/// The device a plan is for, resolved from <c>compute</c> without touching it: <c>cuda</c> is planned on a machine without
/// CUDA, <c>auto</c> is CUDA when <c>compute.gpu</c> names one or a GPU is present, else the CPU. Memory is the GPU table's
/// (or the CPU's available RAM); throughput is <c>compute.tflops</c> when measured, else the datasheet figure times
/// <see cref="GpuEfficiency"/> (GPU) or <see cref="CpuGflopsPerThread"/> per thread (CPU).
/// </summary>
public sealed record PlanTarget(
    string Kind, string Name, ScalarType DType, long MemoryBytes, string MemorySource, double Tflops, string TflopsSource,
    long RuntimeBytes)
{
    /// <summary>Fraction of the datasheet's dense throughput a training or evaluation step reaches (assumption).</summary>
    public const double GpuEfficiency = 0.4;

    /// <summary>Conservative CPU throughput per thread, GFLOP/s, when <c>compute.tflops</c> is not given (assumption).</summary>
    public const double CpuGflopsPerThread = 20;

    /// <summary>The GPU assumed when <c>compute.gpu</c> is not set.</summary>
    public const string DefaultGpu = "A100-80GB";

    /// <summary>
    /// Process memory outside the model on the CPU: .NET, libtorch, the tokenizer (bench/run-plan-memory.sh measures the CLI
    /// evaluating a one-layer 64-wide model: 338 MiB peak RSS).
    /// </summary>
    public const long CpuRuntimeBytes = 340L << 20;

    /// <summary>CUDA context and the caching allocator's slack on a GPU (assumption).</summary>
    public const long GpuRuntimeBytes = 1L << 30;

    /// <summary>Bytes per element of the compute dtype.</summary>
    public int DTypeBytes => DType is ScalarType.Float32 ? 4 : 2;

    /// <summary>True when planning for a GPU.</summary>
    public bool IsGpu => Kind == "cuda";

    /// <summary>The devices layers are split over (<c>compute.devices</c>); one device when not split.</summary>
    public IReadOnlyList<Device> Devices { get => field ?? [DeviceOf(Kind)]; init; }

    /// <summary>
    /// Resolves the target of the <c>compute</c> settings; <paramref name="meminfo"/> reads /proc/meminfo's text (null where
    /// there is none), <paramref name="cudaPresent"/> says whether this machine has a GPU (asked only for <c>auto</c>).
    /// </summary>
    public static PlanTarget Resolve(ComputeChoice compute, Func<string?> meminfo, Func<bool> cudaPresent)
    {
        string kind = compute.Devices.Count > 0 ? (compute.Devices[0] == "cpu" ? "cpu" : "cuda") : compute.Device switch
        {
            "cuda" => "cuda",
            "cpu" => "cpu",
            _ => compute.Gpu is not null || cudaPresent() ? "cuda" : "cpu",
        };
        var dtype = ComputeSettings.ResolveDType(compute.Dtype, DeviceOf(kind));
        var devices = ComputeSettings.PlannedDevices(compute.Devices, kind);
        var limit = compute.MemoryLimit;
        if (kind == "cpu")
        {
            int threads = compute.Threads > 0 ? compute.Threads : Environment.ProcessorCount;
            long? available = limit?.Bytes ?? MemAvailable(meminfo());
            string source = limit?.Source ?? (available is null ? "unknown (no /proc/meminfo)" : "MemAvailable in /proc/meminfo");
            var (tflops, tflopsSource) = compute.Tflops is double t ? (t, "compute.tflops (measured)")
                : (threads * CpuGflopsPerThread / 1000, $"{threads} threads x {CpuGflopsPerThread} GFLOP/s (conservative CPU default)");
            return new PlanTarget("cpu", "CPU", dtype, available ?? 0, source, tflops, tflopsSource, CpuRuntimeBytes) { Devices = devices };
        }
        var gpu = GpuCatalog.Find(compute.Gpu ?? DefaultGpu)!;
        string memorySource = limit?.Source
            ?? (compute.Gpu is null ? $"compute.gpu not set: {DefaultGpu} assumed" : $"compute.gpu {gpu.Name}");
        double peak = dtype switch { ScalarType.BFloat16 => gpu.Bf16Tflops, ScalarType.Float16 => gpu.Fp16Tflops, _ => gpu.Fp32Tflops };
        var (rate, rateSource) = compute.Tflops is double m ? (m, "compute.tflops (measured)")
            : (peak * GpuEfficiency, $"{gpu.Name} datasheet {peak} TFLOPS dense x {GpuEfficiency} efficiency");
        return new PlanTarget("cuda", gpu.Name, dtype, limit?.Bytes ?? gpu.MemoryBytes, memorySource, rate, rateSource, GpuRuntimeBytes)
        {
            Devices = devices,
        };
    }

    /// <summary>The symbolic device of a kind (no CUDA needed to name it).</summary>
    public static Device DeviceOf(string kind) => new(kind == "cuda" ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU);

    /// <summary>MemAvailable of /proc/meminfo's text, in bytes; null when absent.</summary>
    public static long? MemAvailable(string? meminfo)
    {
        if (meminfo is null) return null;
        foreach (string line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            string[] parts = line["MemAvailable:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        return null;
    }

    /// <summary>This machine's /proc/meminfo, or null.</summary>
    public static string? ReadMeminfo() => File.Exists("/proc/meminfo") ? File.ReadAllText("/proc/meminfo") : null;
}

/// <summary>The <c>compute</c> settings a plan reads (device, dtype, threads, and the planning fields gpu and tflops).</summary>
public sealed record ComputeChoice(string Device, string Dtype, int Threads, string? Gpu, double? Tflops)
{
    /// <summary><c>compute.devices</c> (empty: one device).</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>The memory limit in force per device and where it was set (<see cref="MemorySize.Limit"/>); null: none.</summary>
    public (long Bytes, string Source)? MemoryLimit { get; init; }
}
