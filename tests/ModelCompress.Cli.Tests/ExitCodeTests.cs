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
            "--tokenizer", CliTestData.Data("models", "stories260K", "tok512.model"), "--out", Path.Combine(Path.GetTempPath(), "never"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains($"{missing}: file not found", error);
    }

    [Fact]
    public void TruncatedCheckpoint_ExitsTwoWithSizeMismatch()
    {
        string dir = Directory.CreateTempSubdirectory("mc-cli-").FullName;
        try
        {
            string bin = Path.Combine(dir, "cut.bin");
            var bytes = File.ReadAllBytes(CliTestData.Data("models", "stories260K", "stories260K.bin"));
            File.WriteAllBytes(bin, bytes[..1000]);
            var (code, _, error) = CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", bin,
                "--tokenizer", CliTestData.Data("models", "stories260K", "tok512.model"), "--out", Path.Combine(dir, "out"));
            Assert.Equal(ExitCodes.InvalidInput, code);
            Assert.Contains("cut.bin: not a valid llama2.c checkpoint: file is 1000 bytes but its header implies", error);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ModelFolderWithoutConfig_ExitsTwo()
    {
        string dir = Directory.CreateTempSubdirectory("mc-cli-").FullName;
        try
        {
            var (code, _, error) = CliTestData.RunInProcess("generate", "--model", dir, "--device", "cpu");
            Assert.Equal(ExitCodes.InvalidInput, code);
            Assert.Contains("file not found", error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fp16OnCpu_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("generate", "--model", CliTestData.RepoRoot, "--device", "cpu", "--dtype", "fp16");
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
