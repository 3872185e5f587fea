namespace ModelCompress.Cli.Tests.LibTorch;

/// <summary>Folders laid out like libtorch installs with empty library files: enough for the checks made before loading.</summary>
public static class StubFolder
{
    /// <summary><c>root/libtorch-VERSION/lib</c> with <c>../build-version</c>, as in the official archive.</summary>
    public static string Archive(string root, string version)
    {
        string lib = Libraries(Path.Combine(root, $"libtorch-{version}", "lib"));
        File.WriteAllText(Path.Combine(lib, "..", "build-version"), version + "\n");
        return lib;
    }

    /// <summary><c>root/torch/lib</c> with <c>../version.py</c>, as pip installs torch.</summary>
    public static string Pip(string root, string version)
    {
        string lib = Libraries(Path.Combine(root, "torch", "lib"));
        File.WriteAllText(Path.Combine(lib, "..", "version.py"),
            $"from typing import Optional\n\n__version__ = '{version}'\ncuda: Optional[str] = '13.0'\n");
        return lib;
    }

    private static string Libraries(string lib)
    {
        Directory.CreateDirectory(lib);
        foreach (string name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) File.WriteAllBytes(Path.Combine(lib, name), []);
        return lib;
    }
}
