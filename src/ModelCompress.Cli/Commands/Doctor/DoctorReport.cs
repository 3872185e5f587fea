using System.Reflection;
using System.Text.RegularExpressions;
using ModelCompress.Core;
using ModelCompress.Core.Model;
using TorchSharp;

namespace ModelCompress.Cli.Commands.Doctor;

/// <summary>What <c>dotnet compress doctor</c> reports (its <c>--json</c> shape, snake_case).</summary>
internal sealed record DoctorReport(string ToolVersion, string TorchsharpVersion, LibTorchFacts Libtorch, BindingFacts Binding,
    CudaFacts Cuda, IReadOnlyList<DeviceFacts> Devices, ThreadFacts Threads, AutoChoice Auto);

/// <summary>The libtorch in use: its source (bundled, --libtorch, MODELCOMPRESS_LIBTORCH or compute.libtorch), folder, version,
/// backend (cuda when libtorch_cuda.so is mapped) and the libtorch, c10 and binding files mapped (/proc/self/maps).</summary>
internal sealed record LibTorchFacts(string Source, string Directory, string Version, string? VersionFile, string BuiltFor, string Backend,
    IReadOnlyList<string> Mapped);

/// <summary>The TorchSharp binding mapped, and its GLIBCXX_3.4.32 need: weak (the build's fix), required, not needed or
/// unreadable.</summary>
internal sealed record BindingFacts(string? Path, string VersionNeed, string VersionNeedState);

/// <summary>CUDA as libtorch sees it; the CUDA version is the one the libtorch was built for (from its version file), the
/// cuDNN version is unknown (TorchSharp 0.107 does not expose it).</summary>
internal sealed record CudaFacts(bool Available, int DeviceCount, bool CudnnAvailable, string CudaVersion, string CudnnVersion);

/// <summary>A device, its memory and whether bf16 has a fast path (a CPU flag, or compute capability 8.0 and later; null:
/// unknown).</summary>
internal sealed record DeviceFacts(string Name, string Description, long? MemoryBytes, bool? Bf16, string Bf16Note);

/// <summary>libtorch's intra-op and inter-op threads, and the cores the process sees.</summary>
internal sealed record ThreadFacts(int IntraOp, int InterOp, int Cores);

/// <summary>What <c>device: auto</c> and <c>dtype: auto</c> resolve to here.</summary>
internal sealed record AutoChoice(string Device, string Dtype);

/// <summary>Gathers a <see cref="DoctorReport"/>; the first TorchSharp call loads libtorch.</summary>
internal static partial class DoctorFacts
{
    private const string VersionNeed = "GLIBCXX_3.4.32";

    public static DoctorReport Gather()
    {
        bool cuda = torch.cuda.is_available();
        int count = cuda ? torch.cuda.device_count() : 0;
        var device = ComputeSettings.ResolveDevice("auto");
        var dtype = ComputeSettings.ResolveDType("auto", device);
        var mapped = MachineFacts.MappedTorchFiles();
        string? binding = mapped.FirstOrDefault(f => Path.GetFileName(f).StartsWith("libLibTorchSharp", StringComparison.Ordinal));
        var libtorch = Libtorch(mapped);
        return new DoctorReport(ToolInfo.Version, Informational(typeof(torch).Assembly), libtorch,
            new BindingFacts(binding, VersionNeed, binding is null ? "unreadable" : ElfVersionNeed.State(binding, VersionNeed)),
            new CudaFacts(cuda, count, cuda && torch.cuda.is_cudnn_available(), CudaVersion(libtorch), "unknown"),
            [Cpu(), .. Gpus(count)],
            new ThreadFacts(torch.get_num_threads(), torch.get_num_interop_threads(), Environment.ProcessorCount),
            new AutoChoice(device.type == DeviceType.CUDA ? "cuda" : "cpu", DTypeName(dtype)));
    }

    private static LibTorchFacts Libtorch(IReadOnlyList<string> mapped)
    {
        string backend = mapped.Any(f => Path.GetFileName(f).StartsWith("libtorch_cuda", StringComparison.Ordinal)) ? "cuda" : "cpu";
        if (LibTorchSelection.Current is { } folder)
            return new(LibTorchSelection.Origin!, folder.Directory, folder.Version, folder.VersionFile, LibTorchFolder.BuiltFor, backend,
                mapped);
        string? cpu = mapped.FirstOrDefault(f => Path.GetFileName(f) == "libtorch_cpu.so");
        return new("bundled", cpu is null ? "unknown" : Path.GetDirectoryName(cpu)!, LibTorchFolder.BuiltFor, null, LibTorchFolder.BuiltFor,
            backend, mapped);
    }

    private static DeviceFacts Cpu()
    {
        string? flag = MachineFacts.Bf16Flag();
        return new("cpu", $"{MachineFacts.CpuModel()} ({Environment.ProcessorCount} cores)", MachineFacts.TotalMemoryBytes(),
            flag is not null,
            flag ?? "no avx512_bf16 or amx_bf16: bf16 matmuls are emulated");
    }

    private static IEnumerable<DeviceFacts> Gpus(int count)
    {
        var smi = count > 0 ? MachineFacts.NvidiaGpus() : [];
        for (int i = 0; i < count; i++)
        {
            if (i >= smi.Count)
            {
                yield return new($"cuda:{i}", "unknown (nvidia-smi not found)", null, null, "unknown");
                continue;
            }
            var (name, memory, capability) = smi[i];
            bool? bf16 = capability is not null && Version.TryParse(capability, out var cc) ? cc.Major >= 8 : null;
            yield return new($"cuda:{i}", name, memory, bf16, capability is null ? "unknown" : $"compute capability {capability}");
        }
    }

    // pip's version.py: cuda = '13.0' (or cuda: Optional[str] = '13.0'); an archive's build-version: 2.10.0+cu128.
    private static string CudaVersion(LibTorchFacts libtorch)
    {
        if (libtorch.VersionFile is { } file && File.Exists(file))
        {
            string text = File.ReadAllText(file);
            if (PipCuda().Match(text) is { Success: true } pip) return pip.Groups[1].Value;
            if (ArchiveCuda().Match(text) is { Success: true } cu)
                return $"{cu.Groups[1].Value[..^1]}.{cu.Groups[1].Value[^1..]}";
        }
        return libtorch.Backend == "cuda" ? "unknown" : "none (CPU build)";
    }

    private static string Informational(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    private static string DTypeName(torch.ScalarType dtype) => dtype switch
    {
        torch.ScalarType.BFloat16 => "bf16",
        torch.ScalarType.Float16 => "fp16",
        _ => "fp32",
    };

    [GeneratedRegex(@"^\s*cuda\s*(?::[^=]*)?=\s*['""]([\d.]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PipCuda();

    [GeneratedRegex(@"\+cu(\d{3,})")]
    private static partial Regex ArchiveCuda();
}
