using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests.LibTorch;

/// <summary>The built tool pointed at a libtorch folder: what it maps, that it computes with it, and what it refuses.</summary>
public sealed class LibTorchFolderProcessTests(CopiedLibTorch copy) : IClassFixture<CopiedLibTorch>, IDisposable
{
    private readonly TempFolder temp = new("mc-libtorch-run-");

    [Fact]
    public void Doctor_FolderFromEnvironment_MapsTheFoldersLibrariesAndNoBundledLibtorch()
    {
        var (code, output, error) = CliTestData.RunProcess(
            new Dictionary<string, string> { ["MODELCOMPRESS_LIBTORCH"] = copy.Lib }, "doctor", "--json");

        Assert.True(code == 0, error);
        var libtorch = JsonNode.Parse(output)!["libtorch"]!;
        Assert.Equal("MODELCOMPRESS_LIBTORCH", libtorch["source"]!.GetValue<string>());
        Assert.Equal(copy.Lib, libtorch["directory"]!.GetValue<string>());
        Assert.Equal("2.10.0+cpu", libtorch["version"]!.GetValue<string>());
        Assert.Equal("cpu", libtorch["backend"]!.GetValue<string>());
        var mapped = libtorch["mapped"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        foreach (string name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            Assert.Contains(Path.Combine(copy.Lib, name), mapped);
        // Only the binding comes from the tool itself; its needs resolved by SONAME to the folder's copies.
        Assert.Equal([Path.Combine(CopiedLibTorch.Bundled, "libLibTorchSharp.so")],
            mapped.Where(m => m.StartsWith(CopiedLibTorch.Bundled, StringComparison.Ordinal)));
    }

    [Fact]
    public void Generate_WithLibtorchOption_GivesTheBundledLibtorchsGreedyText()
    {
        string model = Path.Combine(temp, "stories260K");
        Assert.Equal(0, CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model).Code);
        string[] generate = ["generate", "--model", model, "--max-new-tokens", "40", "--device", "cpu"];

        var bundled = CliTestData.RunProcess(generate);
        var folder = CliTestData.RunProcess([.. generate, "--libtorch", copy.Lib]);

        Assert.True(folder.Code == 0, folder.Err);
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", folder.Out);
        Assert.Equal(bundled.Out, folder.Out);
    }

    [Fact]
    public void Doctor_MismatchedVersion_ExitsTwoNamingBothVersionsAndWhereToGetTheRightOne()
    {
        string lib = StubFolder.Archive(temp, "2.5.1");

        var (code, output, error) = CliTestData.RunProcess(
            new Dictionary<string, string> { ["MODELCOMPRESS_LIBTORCH"] = lib }, "doctor");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("libtorch 2.5.1", error);
        Assert.Contains("built for libtorch 2.10.0", error);
        Assert.Contains("https://download.pytorch.org/libtorch/", error);
        Assert.Contains("pip install 'torch==2.10.*'", error);
    }

    [Fact]
    public void Run_ComputeLibtorch_IsUsedBeforeTheThreadSettingLoadsLibtorch()
    {
        Assert.Equal(0, CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", temp["stories260K"]).Code);
        File.WriteAllText(temp["pruning.yaml"], $"""
            name: libtorch-folder
            model:
              source: stories260K
            compute:
              device: cpu
              threads: 1
              libtorch: {copy.Lib}
            stages:
              - id: prune
                type: prune
                layers: "4"
            """);

        var (code, output, error) = CliTestData.RunProcess("run", temp["pruning.yaml"], "--out", temp["runs"]);

        // Had libtorch been loaded first (compute.threads does that), choosing the folder would fail (exit 1).
        Assert.True(code == 0, error);
        Assert.StartsWith("PASSED", output);
    }

    public void Dispose() => temp.Dispose();
}
