using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Device and dtype selection; the only place that knows about CUDA.</summary>
public static class ComputeSettings
{
    public static readonly IReadOnlyList<string> DeviceNames = ["auto", "cpu", "cuda"];
    public static readonly IReadOnlyList<string> DTypeNames = ["auto", "fp32", "bf16", "fp16"];

    /// <summary>"auto" picks CUDA when available, else CPU; "cuda" fails when no GPU is usable.</summary>
    public static Device ResolveDevice(string name) => name switch
    {
        "auto" => cuda.is_available() ? CUDA : CPU,
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA : throw new InvalidInputException("--device cuda: no CUDA device is available (point " +
            "the tool at a CUDA libtorch with --libtorch or MODELCOMPRESS_LIBTORCH; dotnet compress doctor shows what it finds)."),
        _ => throw new InvalidInputException($"unknown device '{name}' (use {string.Join(", ", DeviceNames)})."),
    };

    /// <summary>"auto" is bf16 on CUDA, fp32 on CPU. fp16 is refused on CPU, where it is far slower than bf16.</summary>
    public static ScalarType ResolveDType(string name, Device device) => name switch
    {
        "auto" => device.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32,
        "fp32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" when device.type == TorchSharp.DeviceType.CUDA => ScalarType.Float16,
        "fp16" or "float16" => throw new InvalidInputException("fp16 is only supported on CUDA; use bf16 on CPU."),
        _ => throw new InvalidInputException($"unknown dtype '{name}' (use {string.Join(", ", DTypeNames)})."),
    };
}
