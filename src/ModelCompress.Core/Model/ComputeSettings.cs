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

    /// <summary>The spelling of one <c>compute.devices</c> entry.</summary>
    public const string DevicePattern = @"^(cpu|cuda(:[0-9]+)?)$";

    /// <summary>
    /// The devices of <c>compute.devices</c> (empty: the one device <paramref name="device"/> names). CPU entries may repeat
    /// (CPU slots); a GPU index must exist on this machine.
    /// </summary>
    public static IReadOnlyList<Device> ResolveDevices(IReadOnlyList<string> devices, string device)
    {
        if (devices.Count == 0) return [ResolveDevice(device)];
        var resolved = new List<Device>();
        foreach (string name in devices)
        {
            if (name == "cpu") { resolved.Add(CPU); continue; }
            int index = name == "cuda" ? 0 : int.Parse(name["cuda:".Length..], System.Globalization.CultureInfo.InvariantCulture);
            ResolveDevice("cuda");
            int count = cuda.device_count();
            if (index >= count)
                throw new InvalidInputException($"compute.devices: {name} does not exist; this machine has {count} CUDA device(s) " +
                                                $"(cuda:0..cuda:{count - 1}; dotnet compress doctor lists them).");
            resolved.Add(new Device(TorchSharp.DeviceType.CUDA, index));
        }
        return resolved;
    }

    /// <summary>The symbolic devices of a plan (nothing is opened): <c>compute.devices</c>, else one device of
    /// <paramref name="kind"/>.</summary>
    public static IReadOnlyList<Device> PlannedDevices(IReadOnlyList<string> devices, string kind) => devices.Count == 0
        ? [new Device(kind == "cuda" ? TorchSharp.DeviceType.CUDA : TorchSharp.DeviceType.CPU)]
        : [.. devices.Select(d => d == "cpu" ? new Device(TorchSharp.DeviceType.CPU)
            : new Device(TorchSharp.DeviceType.CUDA,
                d == "cuda" ? 0 : int.Parse(d[5..], System.Globalization.CultureInfo.InvariantCulture)))];

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
