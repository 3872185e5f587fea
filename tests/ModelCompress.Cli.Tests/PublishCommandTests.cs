namespace ModelCompress.Cli.Tests;

/// <summary>Argument and input errors of <c>dotnet compress publish</c>; publishing itself is tested against Azurite.</summary>
public sealed class PublishCommandTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("mc-publish-cli-").FullName;

    [Fact]
    public void Publish_WithoutTarget_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("publish", temp);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--target", error);
    }

    [Fact]
    public void Publish_FolderWithoutResults_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("publish", temp, "--target", "az://myaccount/models");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("results.json is missing", error);
    }

    [Fact]
    public void Publish_MalformedTarget_ExitsTwo_WithoutPrintingTheSignature()
    {
        File.WriteAllText(Path.Combine(temp, "results.json"), """{"name": "x", "verdict": "passed"}""");
        var (code, _, error) = CliTestData.RunInProcess("publish", temp, "--target", "https://myaccount.blob.core.windows.net/?sig=TOPSECRET");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.DoesNotContain("TOPSECRET", error);
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);
}

public sealed class RunPublishTargetTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("mc-run-target-").FullName;

    [Fact]
    public void Run_MalformedPublishTarget_ExitsTwoBeforeAnyWork()
    {
        string file = Path.Combine(temp, "p.yaml");
        File.WriteAllText(file, "name: x\nmodel: { source: 'az://goodaccount/models/base' }\nstages: []\npublish: { targets: ['az://ab/models'] }\n");
        var (code, _, error) = CliTestData.RunInProcess("run", file, "--out", Path.Combine(temp, "runs"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("not a storage account name", error);
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);
}

public sealed class BlobSourceWithoutCredentialsTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("mc-run-nocred-").FullName;

    [Fact]
    public void Run_BlobSourceThatCannotAuthenticate_ExitsTwoWithAClearMessage()
    {
        string file = Path.Combine(temp, "p.yaml");
        File.WriteAllText(file, "name: x\nmodel: { source: 'http://127.0.0.1:9/devstoreaccount1/models/base?sv=1&sig=TOPSECRET' }\nstages: []\n");
        var (code, _, error) = CliTestData.RunInProcess("run", file, "--out", Path.Combine(temp, "runs"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.StartsWith("error: model source http://127.0.0.1:9/devstoreaccount1/models/base:", error);
        Assert.DoesNotContain("TOPSECRET", error);
    }

    public void Dispose() => Directory.Delete(temp, recursive: true);
}
