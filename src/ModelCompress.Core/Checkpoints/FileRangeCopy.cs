using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// Copies a byte range from one file to another inside the kernel with Linux's <c>copy_file_range</c> (what <c>cp</c>
/// uses): no user-space buffer and no copy through it. Returns how many bytes it copied; the caller copies the rest itself.
/// That is 0 on other systems, when libc lacks the call, and when the kernel or file system refuses it (ENOSYS, EXDEV,
/// EINVAL, EOPNOTSUPP); less than asked at the source's end of file.
/// </summary>
internal static class FileRangeCopy
{
    private const int EINTR = 4, EXDEV = 18, EINVAL = 22, ENOSYS = 38, EOPNOTSUPP = 95;
    private const long MaxChunk = 1L << 30;
    private static volatile bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>False once the call is known not to exist here (not Linux, no libc symbol, ENOSYS).</summary>
    public static bool Available => !unavailable;

    [DllImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static extern nint CopyFileRange(int input, ref long inputOffset, int output, ref long outputOffset, nuint length, uint flags);

    public static long Copy(SafeFileHandle source, long sourceOffset, SafeFileHandle destination, long destinationOffset, long length)
    {
        if (unavailable || length <= 0) return 0;
        bool sourceAdded = false, destinationAdded = false;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            destination.DangerousAddRef(ref destinationAdded);
            int input = (int)source.DangerousGetHandle(), output = (int)destination.DangerousGetHandle();
            long done = 0;
            while (done < length)
            {
                // The kernel advances both offsets by what it copied; it may copy less than asked (then loop).
                nint n = CopyFileRange(input, ref sourceOffset, output, ref destinationOffset, (nuint)Math.Min(length - done, MaxChunk), 0);
                if (n > 0) { done += n; continue; }
                if (n == 0) break;                                   // end of the source file
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR) continue;
                if (errno == ENOSYS) unavailable = true;
                if (errno is ENOSYS or EXDEV or EINVAL or EOPNOTSUPP) break;
                throw new IOException($"copy_file_range failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
            }
            return done;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true;
            return 0;
        }
        finally
        {
            if (sourceAdded) source.DangerousRelease();
            if (destinationAdded) destination.DangerousRelease();
        }
    }
}
