using System.Globalization;

namespace ModelCompress.Bench;

/// <summary>Reads this process's memory figures from /proc/self/status (Linux).</summary>
internal static class ProcessStats
{
    /// <summary>Peak resident set size (VmHWM) in MiB, or -1 where /proc is not available.</summary>
    public static double PeakRssMb() => ReadKb("VmHWM:") is { } kb ? kb / 1024.0 : -1;

    /// <summary>Current resident set size (VmRSS) in MiB, or -1 where /proc is not available.</summary>
    public static double CurrentRssMb() => ReadKb("VmRSS:") is { } kb ? kb / 1024.0 : -1;

    private static long? ReadKb(string field)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            string[] parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries); // "123456 kB"
            return long.Parse(parts[0], CultureInfo.InvariantCulture);
        }
        return null;
    }
}
