using System.Runtime.InteropServices;

namespace ModelCompress.Bench;

/// <summary>
/// glibc malloc tuning, to test in-process what <c>MALLOC_MMAP_THRESHOLD_</c> does from the environment. Setting
/// M_MMAP_THRESHOLD also turns off glibc's dynamic threshold, which otherwise rises to the size of each freed mmapped
/// block (up to 32 MiB) and then serves later large tensors from the heap, where freed memory is kept, not unmapped.
/// </summary>
internal static class NativeMemory
{
    private const int M_MMAP_THRESHOLD = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    /// <summary>Returns whether glibc accepted the value (false off Linux).</summary>
    public static bool SetMmapThreshold(int bytes) => OperatingSystem.IsLinux() && Mallopt(M_MMAP_THRESHOLD, bytes) == 1;
}
