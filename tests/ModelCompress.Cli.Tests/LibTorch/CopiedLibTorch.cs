namespace ModelCompress.Cli.Tests.LibTorch;

/// <summary>
/// A libtorch archive layout (<c>libtorch/lib/</c> + <c>libtorch/build-version</c>) holding real copies of the tool's bundled CPU
/// libtorch (~470 MB, copied once per test class): copies, not links, so that the kernel sees other files than the bundled ones
/// and /proc/self/maps tells them apart.
/// </summary>
public sealed class CopiedLibTorch : IDisposable
{
    private readonly TempFolder temp = new("mc-libtorch-");

    public CopiedLibTorch()
    {
        Lib = Path.Combine(temp, "libtorch", "lib");
        Directory.CreateDirectory(Lib);
        foreach (string file in Directory.GetFiles(Bundled))
        {
            string name = Path.GetFileName(file);
            if (name is "libc10.so" or "libtorch.so" or "libtorch_cpu.so" || name.StartsWith("libgomp", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(Lib, name));
        }
        File.WriteAllText(Path.Combine(temp, "libtorch", "build-version"), "2.10.0+cpu\n");
    }

    /// <summary>The bundled natives beside the built tool.</summary>
    public static string Bundled => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    /// <summary>The copied <c>lib/</c> folder.</summary>
    public string Lib { get; }

    public void Dispose() => temp.Dispose();
}
