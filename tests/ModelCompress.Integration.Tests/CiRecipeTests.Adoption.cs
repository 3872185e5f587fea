using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Integration.Tests;

/// <summary>What every recipe must do for a team that adopts it: keep the stage cache, never cancel a fine-tune, pin actions,
/// log in to Azure without a secret, and (the template) install the tool rather than build it.</summary>
public sealed partial class CiRecipeTests
{
    [Fact]
    public void GitHubWorkflows_PinEveryActionByCommitSha_WithTheTagInAComment()
    {
        foreach (string[] path in GitHubCompressWorkflows)
        {
            var uses = File.ReadAllLines(RepoPaths.Of(path))
                .Where(l => l.TrimStart().TrimStart('-').TrimStart().StartsWith("uses:")).ToList();
            Assert.True(uses.Count >= 4, string.Join("/", path));
            Assert.All(uses, line => Assert.Matches(ShaPin(), line));
        }
    }

    [Fact]
    public void GitHubWorkflows_NeverCancelTheCompressJob_ResumeAndKeepTheCacheOutsideTheWorkspace()
    {
        foreach (string[] path in GitHubCompressWorkflows)
        {
            var root = Load(path);
            Assert.Equal("false", Text(Map(root, "concurrency"), "cancel-in-progress"));
            var steps = Steps(Map(Map(root, "jobs"), "compress"));
            var cache = Assert.Single(steps, s => Text(s, "run").Contains(">> \"$GITHUB_ENV\""));
            Assert.Contains("CACHE_DIR=${CACHE_VARIABLE:-$RUNNER_TOOL_CACHE/modelcompress}", Text(cache, "run"));
            Assert.Equal("${{ vars.MODELCOMPRESS_CACHE }}", Text(Map(cache, "env"), "CACHE_VARIABLE"));
            var run = Assert.Single(steps, s => Regex.IsMatch(Text(s, "run"), @"^dotnet (""\$TOOL""|compress) run "));
            Assert.Contains("--cache-dir \"$CACHE_DIR\" --resume", Text(run, "run"));
            var plan = Assert.Single(steps, s => Regex.IsMatch(Text(s, "run"), @"^dotnet (""\$TOOL""|compress) plan "));
            Assert.Contains("--cache-dir \"$CACHE_DIR\"", Text(plan, "run"));
            Assert.True(steps.IndexOf(cache) < steps.IndexOf(plan), string.Join("/", path));
        }
    }

    [Fact]
    public void GitHubWorkflows_LogInToAzureByOidc_WithAnIdTokenPermission()
    {
        foreach (string[] path in GitHubCompressWorkflows)
        {
            var root = Load(path);
            Assert.Equal("write", Text(Map(root, "permissions"), "id-token"));
            var steps = Steps(Map(Map(root, "jobs"), "compress"));
            var login = Assert.Single(steps, s => Text(s, "uses").StartsWith("azure/login@"));
            var with = Map(login, "with");
            Assert.Equal("${{ vars.AZURE_CLIENT_ID }}", Text(with, "client-id"));
            Assert.Equal("${{ vars.AZURE_TENANT_ID }}", Text(with, "tenant-id"));
            Assert.Equal("${{ vars.AZURE_SUBSCRIPTION_ID }}", Text(with, "subscription-id"));
            Assert.False(with.Children.ContainsKey(Scalar("creds")), "no stored service-principal secret");
            Assert.True(steps.IndexOf(login) < steps.FindIndex(s => Text(s, "run").Contains(" run \"")), "login before the run");
        }
    }

    [Fact]
    public void AzurePipelines_DoNotAutoCancel_RunInAzureCliWithAServiceConnection_KeepTheCacheOnTheAgent()
    {
        foreach (string[] path in AzurePipelines)
        {
            var root = Load(path);
            Assert.Equal("false", Text(Map(root, "pr"), "autoCancel"));
            var steps = Steps(((YamlSequenceNode)root.Children[Scalar("jobs")]).Cast<YamlMappingNode>().Single());
            var cache = Assert.Single(steps, s => Script(s).Contains("task.setvariable variable=CACHE_DIR"));
            Assert.Contains("${MODELCOMPRESS_CACHE:-$AGENT_TOOLSDIRECTORY/modelcompress}", Script(cache));
            var run = Assert.Single(steps, s => Regex.IsMatch(Script(s), @"dotnet (""\$\(TOOL\)""|compress) run "));
            Assert.Equal("AzureCLI@2", Text(run, "task"));
            Assert.Equal("${{ parameters.serviceConnection }}", Text(Map(run, "inputs"), "azureSubscription"));
            Assert.Contains("--cache-dir \"$(CACHE_DIR)\" --resume", Script(run));
            Assert.True(steps.IndexOf(cache) < steps.IndexOf(run), string.Join("/", path));
        }
    }

    [Fact]
    public void ModelRepoTemplate_RestoresThePinnedTool_ThenRunsDotnetCompress_NeverBuildsIt()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("samples", "model-repo", ".config", "dotnet-tools.json")))!;
        var cli = XDocument.Load(RepoPaths.Of("src", "ModelCompress.Cli", "ModelCompress.Cli.csproj"));
        string packageId = cli.Descendants("PackageId").Single().Value, command = cli.Descendants("ToolCommandName").Single().Value;
        string version = XDocument.Load(RepoPaths.Of("Directory.Build.props")).Descendants("Version").Single().Value;
        var tool = manifest["tools"]![packageId.ToLowerInvariant()]!;
        Assert.Equal(version, tool["version"]!.GetValue<string>());
        Assert.Equal([command], tool["commands"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.True(File.Exists(RepoPaths.Of("samples", "model-repo", "pruning.yaml")));

        var github = Steps(Map(Map(Load(GitHubCompressWorkflows[1]), "jobs"), "compress")).Select(s => Text(s, "run")).ToList();
        var azure = Steps(((YamlSequenceNode)Load(AzurePipelines[1]).Children[Scalar("jobs")]).Cast<YamlMappingNode>().Single())
            .Select(Script).ToList();
        foreach (var scripts in new[] { github, azure })
        {
            int restore = scripts.IndexOf("dotnet tool restore");
            Assert.True(restore >= 0, "dotnet tool restore");
            Assert.DoesNotContain(scripts,
                s => s.Contains("dotnet build") || s.Contains("dotnet pack") || s.Contains("$TOOL") || s.Contains("$(TOOL)"));
            var compress = scripts.Select((s, i) => (s, i)).Where(x => x.s.TrimStart().StartsWith("dotnet compress ")).ToList();
            Assert.Equal(3, compress.Count);
            Assert.All(compress, x => Assert.True(x.i > restore, x.s));
        }
    }

    [GeneratedRegex(@"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")]
    private static partial Regex ShaPin();

    // A step's script: `run` (GitHub), `script` (Azure), or an AzureCLI@2 task's inline script.
    private static string Script(YamlMappingNode step) =>
        Text(step, "script") is { Length: > 0 } script ? script
        : Text(step, "run") is { Length: > 0 } run ? run
        : step.Children.TryGetValue(Scalar("inputs"), out var inputs) && inputs is YamlMappingNode map ? Text(map, "inlineScript") : "";
}
