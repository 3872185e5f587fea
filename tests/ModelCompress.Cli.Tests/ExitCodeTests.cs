namespace ModelCompress.Cli.Tests;

public sealed class ExitCodeTests
{
    [Fact]
    public void Help_ListsVerbs_ExitsZero()
    {
        var (code, output, _) = CliTestData.RunInProcess("--help");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("convert", output);
        Assert.Contains("generate", output);
    }

    [Fact]
    public void UnknownVerb_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("frobnicate");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("frobnicate", error);
    }

    [Fact]
    public void MissingRequiredOption_ExitsTwoNamingIt()
    {
        var (code, _, error) = CliTestData.RunInProcess("generate");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--model", error);
    }

    [Fact]
    public void MissingCheckpointFile_ExitsTwoNamingTheFile()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-checkpoint.bin");
        var (code, _, error) = CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", missing,
            "--tokenizer", SharedData.Tok512, "--out", Path.Combine(Path.GetTempPath(), "never"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains($"{missing}: file not found", error);
    }

    [Fact]
    public void TruncatedCheckpoint_ExitsTwoWithSizeMismatch()
    {
        using var dir = new TempFolder("mc-cli-");
        string bin = Path.Combine(dir, "cut.bin");
        var bytes = File.ReadAllBytes(SharedData.Stories260K);
        File.WriteAllBytes(bin, bytes[..1000]);
        var (code, _, error) = CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", bin,
            "--tokenizer", SharedData.Tok512, "--out", Path.Combine(dir, "out"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("cut.bin: not a valid llama2.c checkpoint: file is 1000 bytes but its header implies", error);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void ModelFolderWithoutConfig_ExitsTwo()
    {
        using var dir = new TempFolder("mc-cli-");
        var (code, _, error) = CliTestData.RunInProcess("generate", "--model", dir, "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("file not found", error);
    }

    [Fact]
    public void Fp16OnCpu_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("generate", "--model", RepoPaths.Root, "--device", "cpu", "--dtype", "fp16");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("fp16 is only supported on CUDA", error);
    }

    [Fact]
    public void BadDeviceValue_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("generate", "--model", ".", "--device", "tpu");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("tpu", error);
    }
}
