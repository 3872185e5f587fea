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

    public const string LibTorchName = "--libtorch";

    /// <summary>The libtorch folder option, on every command (<see cref="LibTorchSelection"/>).</summary>
    public static Option<string> LibTorch() => new(LibTorchName)
    {
        Description = "A libtorch lib/ folder to load instead of the bundled CPU libtorch (libtorch/lib of the official archive, or " +
                      "site-packages/torch/lib of pip's torch), of the version the tool is built for; see 'dotnet compress doctor'. " +
                      $"Overrides {LibTorchSelection.EnvironmentVariable} and compute.libtorch.",
        HelpName = "DIR",
        Recursive = true,
    };

    /// <summary>The device and dtype chosen by <see cref="Device"/> and <see cref="DType"/> options.</summary>
    public static (TorchSharp.torch.Device Device, TorchSharp.torch.ScalarType DType) Resolve(ParseResult parse, Option<string> device,
        Option<string> dtype)
    {
        var resolved = ComputeSettings.ResolveDevice(parse.GetValue(device)!);
        return (resolved, ComputeSettings.ResolveDType(parse.GetValue(dtype)!, resolved));
    }
}
