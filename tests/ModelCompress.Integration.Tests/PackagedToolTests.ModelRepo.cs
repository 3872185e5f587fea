using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ModelCompress.Integration.Tests;

/// <summary>
/// samples/model-repo as a team adopts it on a CI runner: two jobs, each in a fresh checkout (a new copy of the template),
/// each doing what its recipe does — <c>dotnet tool restore</c>, then <c>dotnet compress run pruning.yaml --cache-dir DIR</c>
/// with DIR on the runner, outside both workspaces. The first job computes everything (the demo model included); the second
/// does no work and hands over the same results and weights.
/// </summary>
public sealed partial class PackagedToolTests
{
    // The first job builds the demo model and runs every stage: minutes when the machine is busy.
    private static readonly TimeSpan FirstJobTimeout = TimeSpan.FromMinutes(20);

    [Fact]
    public void ModelRepoTemplate_SecondJobInAFreshWorkspace_WithTheRunnerCache_DoesNoWork()
    {
        string runnerCache = Path.Combine(tool.Root, "runner-tool-cache", "modelcompress");

        var (first, firstRun) = Job("workspace-a", runnerCache, FirstJobTimeout);
        var firstStages = Stages(first);
        Assert.Equal(7, firstStages.Count);
        // An empty cache: each key is computed once (the two baseline evaluations share one: same model, same settings).
        Assert.All(firstStages.Select((s, i) => (s, i)), x => Assert.Equal(
            firstStages.Take(x.i).Any(e => e.Key == x.s.Key), x.s.Cached));
        Assert.Equal(6, firstStages.Count(s => !s.Cached));
        Assert.Contains("demo: building the built-in demo model", firstRun.Err);

        string second = Workspace("workspace-b");
        var plan = tool.Dotnet(second, "compress", "plan", "pruning.yaml", "--cache-dir", runnerCache, "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var planned = JsonNode.Parse(plan.Out)!;
        Assert.Equal(Path.Combine(runnerCache, "stages"), planned["cache"]!.GetValue<string>());
        var steps = planned["steps"]!.AsArray();
        Assert.All(steps, s => Assert.True(s!["cached"]!.GetValue<bool>(), $"plan: {s["id"]} not cached"));
        Assert.Equal(firstStages.Select(s => s.Key), steps.Skip(1).Select(s => s!["key"]!.GetValue<string>()));

        var (_, secondRun) = Job(second, runnerCache, PackagedToolFixture.RunTimeout, restored: false);
        var secondStages = Stages(second);
        Assert.Equal(firstStages.Select(s => (s.Id, s.Key)), secondStages.Select(s => (s.Id, s.Key)));
        Assert.All(secondStages, s => Assert.True(s.Cached, $"{s.Id} ran again"));
        Assert.DoesNotContain("): started", secondRun.Err);
        Assert.DoesNotContain("demo: building", secondRun.Err);
        Assert.Equal(secondStages.Count, secondRun.Err.Split("): cached, skipped").Length - 1);
        Assert.False(Directory.Exists(Path.Combine(second, "runs", ".cache")), "the stage cache is on the runner, not in the workspace");

        Assert.Equal(File.ReadAllText(Path.Combine(RunFolder(first), "results.json")),
            File.ReadAllText(Path.Combine(RunFolder(second), "results.json")));
        Assert.Equal(WeightHashes(first), WeightHashes(second));
    }

    private (string Workspace, ProcessResult Run) Job(string name, string cache, TimeSpan timeout, bool restored = true)
    {
        string workspace = restored ? Workspace(name) : name;
        var restore = tool.Dotnet(workspace, "tool", "restore");
        Assert.True(restore.ExitCode == 0, restore.ToString());
        var run = ProcessRunner.Dotnet(workspace, tool.UserEnvironment, timeout, "compress", "run", "pruning.yaml", "--cache-dir", cache);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("PASSED: report at", run.Out);
        return (workspace, run);
    }

    // A fresh checkout: a new copy of the template below the fixture's nuget.config (its local package source).
    private string Workspace(string name)
    {
        string workspace = Path.Combine(tool.Work, name);
        PackagedToolFixture.CopyDirectory(RepoPaths.Of("samples", "model-repo"), workspace);
        return workspace;
    }

    private static string RunFolder(string workspace) => Path.Combine(workspace, "runs", "demo-pruned");

    private static List<(string Id, string Key, bool Cached)> Stages(string workspace) =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(RunFolder(workspace), "manifest.json")))!["stages"]!.AsArray()
            .Select(s => (s!["id"]!.GetValue<string>(), s["key"]!.GetValue<string>(), s["cached"]!.GetValue<bool>()))];

    private static List<string> WeightHashes(string workspace) =>
        [.. Directory.GetFiles(Path.Combine(RunFolder(workspace), "model"), "*.safetensors").Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}")];
}
