using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests;

/// <summary>Where <c>run</c> and <c>plan</c> keep the stage cache: <c>--cache-dir</c>, else <c>MODELCOMPRESS_CACHE</c>, else
/// OUT/.cache.</summary>
public sealed class CacheDirTests : IDisposable
{
    private readonly TempFolder temp = new("mc-cachedir-");

    [Fact]
    public void Plan_WithoutACacheRoot_KeepsStagesInTheRunsFolder()
    {
        Assert.Equal(Path.Combine(temp["runs"], ".cache"), Cache(_ => null));
    }

    [Fact]
    public void Plan_WithModelCompressCache_KeepsStagesUnderItsStagesFolder()
    {
        Assert.Equal(Path.Combine(temp["env"], "stages"), Cache(Variable(temp["env"])));
    }

    [Fact]
    public void Plan_CacheDirOption_WinsOverTheEnvironment()
    {
        Assert.Equal(Path.Combine(temp["option"], "stages"), Cache(Variable(temp["env"]), "--cache-dir", temp["option"]));
    }

    [Fact]
    public void Plan_Text_NamesTheCacheFolderAndHowManyStepsAreCachedThere()
    {
        var (code, output, error) = CliTestData.RunInProcess(Variable(temp["env"]),
            "plan", Path.Combine(RepoPaths.Root, "pruning.yaml"), "--out", temp["runs"], "--cache-dir", temp["option"]);
        Assert.True(code == 0, error);
        // Nothing has run: only the base model's row counts as present (the demo is planned from its config).
        Assert.EndsWith($"\ncache:    {Path.Combine(temp["option"], "stages")} (1 of 9 steps cached)\n", output.ReplaceLineEndings("\n"));
    }

    private static Func<string, string?> Variable(string root) => name => name == "MODELCOMPRESS_CACHE" ? root : null;

    private string Cache(Func<string, string?> environment, params string[] extra)
    {
        var (code, output, error) = CliTestData.RunInProcess(environment,
            ["plan", Path.Combine(RepoPaths.Root, "pruning.yaml"), "--out", temp["runs"], "--json", .. extra]);
        Assert.True(code == 0, error);
        return JsonNode.Parse(output)!["cache"]!.GetValue<string>();
    }

    public void Dispose() => temp.Dispose();
}
