using System.Diagnostics;
using System.Globalization;

namespace ModelCompress.Cli.Commands.Doctor;

/// <summary>What Linux says about this machine and process: /proc/cpuinfo, /proc/meminfo, /proc/self/maps, nvidia-smi.</summary>
internal static class MachineFacts
{
    /// <summary>The CPU's model name, or "unknown".</summary>
    public static string CpuModel() => CpuInfoValue("model name") ?? "unknown";

    /// <summary>The CPU flag that gives a bf16 fast path (amx_bf16, avx512_bf16), or null when it has none.</summary>
    public static string? Bf16Flag()
    {
        var flags = (CpuInfoValue("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return new[] { "amx_bf16", "avx512_bf16" }.FirstOrDefault(flags.Contains);
    }

    /// <summary>MemTotal of /proc/meminfo in bytes; null where it cannot be read.</summary>
    public static long? TotalMemoryBytes()
    {
        string? line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : null;
    }

    /// <summary>The distinct files of libtorch, c10 and the TorchSharp binding mapped into this process, in mapping order.</summary>
    public static IReadOnlyList<string> MappedTorchFiles() =>
        ReadLines("/proc/self/maps")
            .Select(l => l.IndexOf('/') is int i and >= 0 ? l[i..] : "")
            .Where(path => Path.GetFileName(path) is { } name &&
                           (name.StartsWith("libtorch", StringComparison.Ordinal) || name.StartsWith("libc10", StringComparison.Ordinal) ||
                            name.StartsWith("libLibTorchSharp", StringComparison.Ordinal)))
            .Distinct().ToList();

    /// <summary>One row per GPU from nvidia-smi (name, total memory, compute capability); empty when nvidia-smi is absent.</summary>
    public static IReadOnlyList<(string Name, long? MemoryBytes, string? ComputeCapability)> NvidiaGpus()
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total,compute_cap --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null) return [];
            string text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) return [];
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(row => row.Split(',', StringSplitOptions.TrimEntries))
                .Select(f => (f[0],
                    f.Length > 1 && long.TryParse(f[1], CultureInfo.InvariantCulture, out long mib) ? mib * 1048576 : (long?)null,
                    f.Length > 2 ? f[2] : null))
                .ToList();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return []; // no nvidia-smi on this machine
        }
    }

    private static string? CpuInfoValue(string key) =>
        ReadLines("/proc/cpuinfo").Where(l => l.StartsWith(key, StringComparison.Ordinal) && l.Contains(':'))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).FirstOrDefault();

    private static IEnumerable<string> ReadLines(string file)
    {
        try { return File.ReadAllLines(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
