using System.Text.Json;

namespace ModelCompress.Integration.Tests;

/// <summary>
/// The packed tool as a user installs it, and the MSBuild package on the sample project. One fixture packs and installs
/// once; the tests of this class run one after another and share its runs folder (the first run trains the demo model).
/// </summary>
public sealed partial class PackagedToolTests(PackagedToolFixture tool) : IClassFixture<PackagedToolFixture>
{
    private static readonly string[] Verbs = ["convert", "generate", "logits", "score", "prune", "repair", "finetune", "validate", "schema", "init", "run", "plan", "eval", "doctor"];

    [Fact]
    public void LocalTool_Help_ExitsZeroAndListsEveryVerb()
    {
        var result = tool.Dotnet(tool.Work, "compress", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string verb in Verbs) Assert.Contains($"  {verb}", result.Out);
    }

    [Fact]
    public void LocalTool_Doctor_LoadsTheBundledLibtorchAndThePatchedBinding()
    {
        var result = tool.Dotnet(tool.Work, "compress", "doctor", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var libtorch = json.RootElement.GetProperty("libtorch");
        Assert.Equal("bundled", libtorch.GetProperty("source").GetString());
        Assert.EndsWith("/runtimes/linux-x64/native", libtorch.GetProperty("directory").GetString());
        Assert.Equal("weak", json.RootElement.GetProperty("binding").GetProperty("version_need_state").GetString());
    }

    [Fact]
    public void LocalTool_RunRootPruningYaml_ExitsZeroWithPassedVerdict()
    {
        var result = tool.Dotnet(tool.Work, "compress", "run", RepoPaths.Of("pruning.yaml"), "--out", tool.Runs, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("passed", json.RootElement.GetProperty("verdict").GetString());
        string run = Path.Combine(tool.Runs, json.RootElement.GetProperty("name").GetString()!);
        Assert.True(File.Exists(Path.Combine(run, "model", "config.json")));
        Assert.True(File.Exists(Path.Combine(run, "report.md")));
        Assert.True(File.Exists(Path.Combine(run, "results.json")));
    }

    [Fact]
    public void MSBuildSample_PassingPlan_BuildSucceedsAndReportsVerdictAndPaths()
    {
        var result = BuildSample();

        Assert.True(result.ExitCode == 0, result.ToString());
        string run = Path.Combine(tool.Runs, "demo-pruned");
        Assert.True(result.Out.Contains($"CompressModel: passed; model {Path.Combine(run, "model")}; report {Path.Combine(run, "report.md")}"), result.ToString());
        Assert.True(File.Exists(Path.Combine(run, "report.md")));
        // Stage starts and ends are high-importance messages: minimal verbosity (and the terminal logger) shows them,
        // per-step progress it does not.
        Assert.Matches(@"\] stage 1 of \d+ [\w-]+ \(score\): (started|cached, skipped)", result.Out);
        Assert.Contains("verdict: PASSED", result.Out);
        Assert.DoesNotContain("layers/s", result.Out);
    }

    [Fact]
    public void MSBuildSample_FailingGate_BuildFailsWithErrorNamingTheGate()
    {
        var result = BuildSample("-p:CompressOverrides=gates.2.min=0.999");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.True(result.Out.Contains("error MC0003: Quality gate failed:") && result.Out.Contains("average.acc min 0.999 ("), result.ToString());
        Assert.DoesNotContain("CompressModel: passed", result.Out);
    }

    [Fact]
    public void MSBuildSample_CompressModelOnBuild_RunsAfterBuild()
    {
        var result = tool.Dotnet(tool.Sample, "build", "-nodeReuse:false", "-tl:off", $"-p:CompressRunDirectory={tool.Runs}", "-p:CompressModelOnBuild=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Out.Contains("CompressModelSample -> ") && result.Out.Contains("CompressModel: passed;"), result.ToString());
        Assert.True(result.Out.IndexOf("CompressModelSample -> ", StringComparison.Ordinal) < result.Out.IndexOf("CompressModel: passed;", StringComparison.Ordinal), result.ToString());
    }

    [Fact]
    public void MSBuildSample_InvalidOverride_BuildFailsWithTheToolsMessage()
    {
        var result = BuildSample("-p:CompressOverrides=compute.device=tpu");

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.True(result.Out.Contains("error MC0001: 'dotnet compress' exited with code 2") && result.Out.Contains("tpu"), result.ToString());
    }

    private ProcessResult BuildSample(params string[] properties) =>
        tool.Dotnet(tool.Sample, ["build", "-t:CompressModel", "-nodeReuse:false", "-tl:off", $"-p:CompressRunDirectory={tool.Runs}", .. properties]);
}
