namespace ModelCompress.Core.Pipeline;

/// <summary>Peak resident memory of this process (Linux <c>VmHWM</c>), resettable per stage via <c>/proc/self/clear_refs</c>.</summary>
public static class ProcessMemory
{
    /// <summary>Peak RSS in bytes since start or the last <see cref="ResetPeak"/>; 0 where /proc is unavailable.</summary>
    public static long PeakBytes()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException) { return 0; }
    }

    /// <summary>Starts a new peak measurement (writing 5 to clear_refs resets VmHWM to the current RSS).</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
