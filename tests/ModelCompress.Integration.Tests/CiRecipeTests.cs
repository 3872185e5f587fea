using YamlDotNet.RepresentationModel;

namespace ModelCompress.Integration.Tests;

/// <summary>
/// The CI recipes users copy (this repository's own and the samples/model-repo template): triggers, runners, permissions,
/// how the tool is installed and invoked, the persistent stage cache, pinned actions, Azure login, artifact steps.
/// </summary>
public sealed partial class CiRecipeTests
{
    private static readonly string[][] GitHubCompressWorkflows =
        [[".github", "workflows", "compress.yml"], ["samples", "model-repo", ".github", "workflows", "compress.yml"]];
    private static readonly string[][] AzurePipelines =
        [["pipelines", "azure-pipelines.yml"], ["samples", "model-repo", "azure-pipelines.yml"]];

    [Fact]
    public void CiWorkflow_BuildsAndTestsOnCpuRunner_ThroughCiRun()
    {
        var root = Load(".github", "workflows", "ci.yml");

        var on = Map(root, "on");
        Assert.True(on.Children.ContainsKey(Scalar("pull_request")));
        Assert.Contains("main", Seq(Map(on, "push"), "branches"));
        Assert.Equal("read", Text(Map(root, "permissions"), "contents"));
        var job = Map(Map(root, "jobs"), "build-and-test");
        Assert.Equal("ubuntu-latest", Text(job, "runs-on"));
        Assert.Contains(Steps(job), s => Text(s, "run") == "bash .ci/run");
    }

    [Fact]
    public void CompressWorkflow_OnPruningYamlPullRequests_RunsOnSelfHostedGpuWithLeastPrivilege()
    {
        var root = Load(".github", "workflows", "compress.yml");

        var on = Map(root, "on");
        Assert.Equal(["pruning.yaml"], Seq(Map(on, "pull_request"), "paths"));
        var plan = Map(Map(Map(on, "workflow_dispatch"), "inputs"), "plan");
        Assert.Equal("pruning.yaml", Text(plan, "default"));

        var permissions = Map(root, "permissions");
        Assert.Equal(4, permissions.Children.Count);
        Assert.Equal("read", Text(permissions, "contents"));
        Assert.Equal("write", Text(permissions, "pull-requests"));
        Assert.Equal("write", Text(permissions, "checks"));
        Assert.Equal("write", Text(permissions, "id-token"));
        Assert.StartsWith("compress-${{ github.event.pull_request.number", Text(Map(root, "concurrency"), "group"));

        var job = Map(Map(root, "jobs"), "compress");
        Assert.Equal(["self-hosted", "gpu"], Seq(job, "runs-on"));
        Assert.Contains("head.repo.full_name == github.repository", Text(job, "if"));
    }

    [Fact]
    public void CompressWorkflow_BuildsCuda_RunsThePlanWithTheToken_UploadsRunFolderAlways()
    {
        var job = Map(Map(Load(".github", "workflows", "compress.yml"), "jobs"), "compress");
        var steps = Steps(job);

        Assert.Contains(steps, s => Text(s, "run").Contains("dotnet build src/ModelCompress.Cli") && Text(s, "run").Contains("-p:TorchBackend=cuda"));
        Assert.Contains("inputs.plan", Text(Map(job, "env"), "PLAN"));
        var run = Assert.Single(steps,
            s => Text(s, "run").Contains("dotnet \"$TOOL\" run \"$PLAN\" --out runs --cache-dir \"$CACHE_DIR\" --resume"));
        // The tool comments, sets the check and writes the step summary itself, with the job's token.
        Assert.Equal("${{ github.token }}", Text(Map(run, "env"), "GITHUB_TOKEN"));
        Assert.DoesNotContain(steps, s => Text(s, "uses").StartsWith("actions/github-script@"));
        var plan = Assert.Single(steps, s => Text(s, "run").Contains("dotnet \"$TOOL\" plan \"$PLAN\""));
        Assert.True(steps.IndexOf(plan) < steps.IndexOf(run), "plan runs before the pipeline");
        Assert.Equal("${{ github.token }}", Text(Map(plan, "env"), "GITHUB_TOKEN"));
        var upload = Assert.Single(steps, s => Text(s, "uses").StartsWith("actions/upload-artifact@"));
        Assert.Equal("always()", Text(upload, "if"));
        Assert.Equal("runs/", Text(Map(upload, "with"), "path"));
    }

    [Fact]
    public void AzurePipeline_OnPruningYamlPullRequests_GpuPool_RunsThePlan_PublishesRunFolderAlways()
    {
        var root = Load("pipelines", "azure-pipelines.yml");

        Assert.Equal("none", Text(root, "trigger"));
        Assert.Equal(["pruning.yaml"], Seq(Map(Map(root, "pr"), "paths"), "include"));
        var plan = Assert.Single(((YamlSequenceNode)root.Children[Scalar("parameters")]).Cast<YamlMappingNode>(), p => Text(p, "name") == "plan");
        Assert.Equal("pruning.yaml", Text(plan, "default"));
        var pool = Map(root, "pool");
        Assert.Equal("gpu", Text(pool, "name"));
        Assert.Contains("gpu", Seq(pool, "demands"));

        var steps = Steps(((YamlSequenceNode)root.Children[Scalar("jobs")]).Cast<YamlMappingNode>().Single());
        Assert.Contains(steps, s => Text(s, "script").Contains("-p:TorchBackend=cuda"));
        var run = Assert.Single(steps, s => Script(s).Contains("dotnet \"$(TOOL)\" run \"$(PLAN)\""));
        Assert.Contains("--cache-dir \"$(CACHE_DIR)\" --resume", Script(run));
        // The tool posts and edits the one pull-request thread itself, with the job's token mapped into the step.
        Assert.Equal("$(System.AccessToken)", Text(Map(run, "env"), "SYSTEM_ACCESSTOKEN"));
        Assert.DoesNotContain(steps, s => Script(s).Contains("curl") || Script(s).Contains("/threads"));
        var publish = Assert.Single(steps, s => Text(s, "task") == "PublishPipelineArtifact@1");
        Assert.Equal("always()", Text(publish, "condition"));
        Assert.EndsWith("/runs", Text(Map(publish, "inputs"), "targetPath"));
    }

    private static YamlMappingNode Load(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepoPaths.Of(path));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlScalarNode Scalar(string value) => new(value);

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[Scalar(key)];

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(Scalar(key), out var value) && value is YamlScalarNode s ? s.Value ?? "" : "";

    private static List<string> Seq(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[Scalar(key)]).Cast<YamlScalarNode>().Select(s => s.Value ?? "")];

    private static List<YamlMappingNode> Steps(YamlMappingNode job) =>
        [.. ((YamlSequenceNode)job.Children[Scalar("steps")]).Cast<YamlMappingNode>()];
}
