using System.Runtime.InteropServices;

namespace ModelCompress.Cli;

/// <summary>
/// glibc keeps freed heap memory, and its dynamic mmap threshold rises as large tensors are freed, so later tensors come
/// from the heap and a forward pass of a 125M model peaked at 5 GB instead of 1.2 GB (bench/README.md). A fixed 128 KiB
/// threshold returns every large tensor to the OS when freed. Set MODELCOMPRESS_MALLOC_DEFAULT=1 to keep glibc's default.
/// </summary>
internal static class NativeMemory
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    public static void ReturnLargeBlocksToOs()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MODELCOMPRESS_MALLOC_DEFAULT") == "1") return;
        try { Mallopt(MmapThreshold, 128 * 1024); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc: nothing to tune
    }
}
