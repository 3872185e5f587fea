using ModelCompress.Cli.Commands.Doctor;

namespace ModelCompress.Cli.Tests.LibTorch;

public sealed class ElfVersionNeedTests
{
    private const string Need = "GLIBCXX_3.4.32";

    [Fact]
    public void BuiltBinding_IsWeak_PackageOriginalIsRequired()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string original = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        Assert.Equal("weak", ElfVersionNeed.State(Path.Combine(CopiedLibTorch.Bundled, "libLibTorchSharp.so"), Need));
        Assert.Equal("required", ElfVersionNeed.State(original, Need));
        Assert.Equal("not needed", ElfVersionNeed.State(Path.Combine(CopiedLibTorch.Bundled, "libLibTorchSharp.so"), "GLIBCXX_9.9"));
    }

    [Fact]
    public void NotAnElfFile_IsUnreadable()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["x.so"], "not an ELF file, just text long enough to have a header's worth of bytes in it....");

        Assert.Equal("unreadable", ElfVersionNeed.State(temp["x.so"], Need));
        Assert.Equal("unreadable", ElfVersionNeed.State(temp["missing.so"], Need));
    }
}
