namespace ModelCompress.Cli.Tests.LibTorch;

/// <summary>--libtorch, MODELCOMPRESS_LIBTORCH and compute.libtorch: precedence and the checks made before anything loads.</summary>
public sealed class LibTorchOptionTests : IDisposable
{
    private readonly TempFolder temp = new("mc-libtorch-opt-");

    private static Func<string, string?> Env(string? libtorch) => name => name == "MODELCOMPRESS_LIBTORCH" ? libtorch : null;

    [Fact]
    public void MissingFolder_ExitsTwoNamingIt()
    {
        string missing = temp["nowhere"];

        var (code, _, error) = CliTestData.RunInProcess(Env(null), "doctor", "--libtorch", missing);

        Assert.Equal(2, code);
        Assert.Contains($"--libtorch: libtorch folder '{missing}' not found", error);
    }

    [Fact]
    public void FolderWithoutLibtorchSo_ExitsTwoNamingTheMissingLibrary()
    {
        string lib = StubFolder.Archive(temp, "2.10.0");
        File.Delete(Path.Combine(lib, "libtorch.so"));

        var (code, _, error) = CliTestData.RunInProcess(Env(lib), "doctor");

        Assert.Equal(2, code);
        Assert.Contains($"MODELCOMPRESS_LIBTORCH: '{lib}' has no libtorch.so", error);
    }

    [Fact]
    public void FolderWithoutVersionFile_ExitsTwo()
    {
        string lib = StubFolder.Archive(temp, "2.10.0");
        File.Delete(Path.Combine(lib, "..", "build-version"));

        var (code, _, error) = CliTestData.RunInProcess(Env(null), "doctor", "--libtorch", lib);

        Assert.Equal(2, code);
        Assert.Contains("cannot tell the libtorch version", error);
    }

    [Fact]
    public void PipTorchOfAnotherRelease_ExitsTwoNamingBothVersions()
    {
        string lib = StubFolder.Pip(temp, "2.11.0+cu130");

        var (code, _, error) = CliTestData.RunInProcess(Env(null), "doctor", "--libtorch", lib);

        Assert.Equal(2, code);
        Assert.Contains("is libtorch 2.11.0+cu130", error);
        Assert.Contains("built for libtorch 2.10.0", error);
    }

    [Fact]
    public void CliOption_WinsOverEnvironment()
    {
        string fromEnv = StubFolder.Archive(temp, "2.4.0"), fromCli = StubFolder.Archive(temp, "2.5.1");

        var (code, _, error) = CliTestData.RunInProcess(Env(fromEnv), "doctor", "--libtorch", fromCli);

        Assert.Equal(2, code);
        Assert.Contains("--libtorch:", error);
        Assert.Contains("2.5.1", error);
        Assert.DoesNotContain("2.4.0", error);
    }

    [Fact]
    public void Environment_WinsOverComputeLibtorch()
    {
        string fromEnv = StubFolder.Archive(temp, "2.4.0");

        var (code, _, error) = CliTestData.RunInProcess(Env(fromEnv),
            "plan", Path.Combine(RepoPaths.Root, "pruning.yaml"), "--out", temp["runs"], "--set", $"compute.libtorch={temp["nowhere"]}");

        Assert.Equal(2, code);
        Assert.Contains("MODELCOMPRESS_LIBTORCH:", error);
        Assert.DoesNotContain("compute.libtorch", error);
    }

    [Fact]
    public void ComputeLibtorch_IsCheckedBeforeAnyWork()
    {
        string lib = StubFolder.Archive(temp, "2.5.1");

        var (code, _, error) = CliTestData.RunInProcess(Env(null),
            "plan", Path.Combine(RepoPaths.Root, "pruning.yaml"), "--out", temp["runs"], "--set", $"compute.libtorch={lib}");

        Assert.Equal(2, code);
        Assert.Contains($"compute.libtorch: '{lib}' is libtorch 2.5.1", error);
        Assert.False(Directory.Exists(temp["runs"]));
    }

    public void Dispose() => temp.Dispose();
}
