using System.CommandLine;
using ModelCompress.Core.Model;

namespace ModelCompress.Cli;

/// <summary>Options shared by commands that run a model.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "auto (CUDA when available), cpu or cuda.",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong([.. ComputeSettings.DeviceNames]);

    public static Option<string> DType() => new Option<string>("--dtype")
    {
        Description = "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, or fp16 (CUDA only).",
        DefaultValueFactory = _ => "auto",
    }.AcceptOnlyFromAmong([.. ComputeSettings.DTypeNames]);

    /// <summary>The device and dtype chosen by <see cref="Device"/> and <see cref="DType"/> options.</summary>
    public static (TorchSharp.torch.Device Device, TorchSharp.torch.ScalarType DType) Resolve(ParseResult parse, Option<string> device,
        Option<string> dtype)
    {
        var resolved = ComputeSettings.ResolveDevice(parse.GetValue(device)!);
        return (resolved, ComputeSettings.ResolveDType(parse.GetValue(dtype)!, resolved));
    }
}
