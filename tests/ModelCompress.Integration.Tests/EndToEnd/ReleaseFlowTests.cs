using System.Text.Json.Nodes;
using ModelCompress.Cli;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Core.Publishing;
using ModelCompress.Core.Storage;
using ModelCompress.Integration.Tests.GitHub;
using ModelCompress.Integration.Tests.Storage;

namespace ModelCompress.Integration.Tests.EndToEnd;

/// <summary>
/// The release flow a model team runs in CI, with real parts: the built tool as a child process pulls stories260K from a
/// real Azurite, scores, prunes and evaluates it, gates it, publishes the run to Azurite, and reports on a pull request
/// through Prism validating against GitHub's REST description; the re-run edits the one comment and publishes a new run.
/// </summary>
[Collection(GitHubCollection.Name)]
public sealed class ReleaseFlowTests(GitHubApi github, Azurite azurite) : IClassFixture<Azurite>, IDisposable
{
    private const string Sha = "89abcdef0123456789abcdef0123456789abcdef";
    private readonly TempFolder temp = new("mc-release-");

    [Fact]
    public void Run_PullsFromBlob_PublishesToBlob_ReportsOnThePullRequest_ReRunEditsTheComment()
    {
        // The base model, converted from llama2.c and uploaded the way a team stores its weights.
        string model = Path.Combine(temp, "stories260K");
        Assert.Equal(0, CliApp.Run(["convert", "llama2c", "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model], new StringWriter(), new StringWriter()));
        var container = azurite.NewContainer();
        var source = container.Child("base/stories260K");
        ModelFolders.Upload(azurite, model, source);
        var target = container.Child("pruned");

        string text = Path.Combine(temp, "stories.txt");
        File.WriteAllText(text, File.ReadAllText(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"))[..20_000]);
        string plan = Path.Combine(temp, "pruning.yaml");
        File.WriteAllText(plan, $"""
            name: stories-release
            model: {"{"} source: "{source}" {"}"}
            compute: {"{"} device: cpu, dtype: fp32, seed: 42 {"}"}
            stages:
              - {"{"} id: score, type: score, metric: magnitude-l1 {"}"}
              - {"{"} id: prune, type: prune, scores: score, remove: 1 {"}"}
              - {"{"} id: eval, type: evaluate, tasks: [arc_easy], perplexity: ["{text}"], limit: 20, window: 64, data: "{SharedData.Path("eval")}" {"}"}
            gates:
              - {"{"} metric: parameters, max: 250000 {"}"}
            publish: {"{"} targets: ["{target}"] {"}"}
            """);
        string repo = github.Fake.NewRepository();

        // Planning a blob model that is not pulled yet reads its config.json blob only; no weights are downloaded.
        var planned = Tool("plan", plan, "--out", Path.Combine(temp, "runs"), "--github-repo", repo, "--github-pr", "5", "--github-sha", Sha, "--github-api-url", github.ApiUrl);
        Assert.True(planned.ExitCode == 0, planned.ToString());
        Assert.Contains($"base                   model     no          5        260,032     1.0 MB  {source}: not pulled yet (planned from its config.json)", planned.Out);
        Assert.Contains("prune                  prune     no          4        214,592     0.8 MB  remove 1 layer (scores of score)", planned.Out);
        Assert.Contains($"publish:  {target}", planned.Out);
        Assert.Contains($"review:   GitHub {repo}#5@89abcde via {github.ApiUrl}", planned.Out);
        Assert.DoesNotContain(Directory.GetFiles(temp, "*.safetensors", SearchOption.AllDirectories), f => !f.StartsWith(model, StringComparison.Ordinal));

        var first = Run(plan, repo);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("github: added comment", first.Out);

        string runDir = Path.Combine(temp, "runs", "stories-release");
        string firstId = Latest(target)["run_id"]!.GetValue<string>();
        var published = target.Child($"stories-release/{firstId}");
        var comment = Assert.Single(github.Fake.Comments(repo, 5));
        Assert.Equal(PullRequestReport.Markdown(runDir, [published.ToString()], null), comment.Body);
        // The charts in the comment are the published blobs in the user's own container, byte for byte.
        foreach (string chart in new[] { "scores.svg", "tasks.svg" })
        {
            Assert.Contains($"]({published}/{chart})", comment.Body);
            var blob = azurite.Container(target).GetBlobClient(published.BlobName(chart));
            Assert.Equal(File.ReadAllBytes(Path.Combine(runDir, chart)), blob.DownloadContent().Value.Content.ToArray());
            Assert.Equal("image/svg+xml", blob.GetProperties().Value.ContentType);
        }
        var check = Assert.Single(github.Fake.CheckRuns(repo));
        Assert.Equal(("modelcompress / stories-release", Sha, "success"), (check.Name, check.HeadSha, check.Conclusion));

        // Re-run (stages come from the cache): a new run id is published and the same comment now links to it.
        var second = Run(plan, repo);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("github: edited comment", second.Out);
        string secondId = Latest(target)["run_id"]!.GetValue<string>();
        Assert.NotEqual(firstId, secondId);
        var edited = Assert.Single(github.Fake.Comments(repo, 5));
        Assert.Equal(comment.Id, edited.Id);
        Assert.Contains($"{target}/stories-release/{secondId}/scores.svg", edited.Body);
        Assert.Equal(2, github.Fake.CheckRuns(repo).Count);

        // Reporting again later (as after GitHub refused with exit 4) still links the published copy: the run folder records
        // it in published.json, which is local bookkeeping and never uploaded.
        var output = new StringWriter();
        int code = CliApp.Run(["publish", runDir, "--github-repo", repo, "--github-pr", "5", "--github-sha", Sha, "--github-api-url", github.ApiUrl],
            output, new StringWriter(), name => name == "GITHUB_TOKEN" ? github.Token : null);
        Assert.True(code == 0, output.ToString());
        var reported = Assert.Single(github.Fake.Comments(repo, 5));
        Assert.Equal(PullRequestReport.Markdown(runDir, [$"{target}/stories-release/{secondId}"], null), reported.Body);
        Assert.Equal([$"{target}/stories-release/{secondId}"], PublishedRecord.Read(runDir));
        Assert.DoesNotContain(azurite.Container(target).GetBlobs(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = target.BlobName("stories-release/") }),
            b => b.Name.EndsWith(PublishedRecord.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublishFailure_OfAPassedRun_IsAFailingCheckAndACommentSayingWhy_ThenExitFour()
    {
        string run = RunFolders.Create(temp, passed: true);
        File.WriteAllText(Path.Combine(run, "manifest.json"), """{"finished": "2026-11-29T01:00:00.0000000+00:00"}""");
        var target = azurite.NewContainer("pruned");
        await new BlobPublisher(azurite.Clients).PublishAsync(run, target);
        string repo = github.Fake.NewRepository();

        var error = new StringWriter();
        int code = CliApp.Run(["publish", run, "--target", target.ToString(), "--github-repo", repo, "--github-pr", "5", "--github-sha", Sha,
            "--github-api-url", github.ApiUrl], new StringWriter(), error, name => name == "GITHUB_TOKEN" ? github.Token : Azurite.EmulatorEnvironment(name));

        Assert.Equal(ExitCodes.PublishFailed, code);
        Assert.Contains("already exists: a published run is never overwritten", error.ToString());
        var comment = Assert.Single(github.Fake.Comments(repo, 5));
        Assert.StartsWith("<!-- modelcompress:demo-pruned -->\n### ⚠️ demo-pruned: passed all 2 quality gates, but publishing failed\n\nPublishing failed: ",
            comment.Body.ReplaceLineEndings("\n"));
        var check = Assert.Single(github.Fake.CheckRuns(repo));
        Assert.Equal(("failure", "demo-pruned: passed its quality gates, but publishing failed"), (check.Conclusion, check.Title));
    }

    private ProcessResult Run(string plan, string repo) =>
        Tool("run", plan, "--out", Path.Combine(temp, "runs"), "--github-repo", repo, "--github-pr", "5", "--github-sha", Sha, "--github-api-url", github.ApiUrl);

    private ProcessResult Tool(params string[] args) => ProcessRunner.Dotnet(temp, new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true",
            ["GITHUB_TOKEN"] = github.Token,
            ["GITHUB_ACTIONS"] = "",
            ["MODELCOMPRESS_CACHE"] = Path.Combine(temp, "cache"),
            ["MODELCOMPRESS_DATA"] = SharedData.Root,
            ["OMP_NUM_THREADS"] = "1",
        }, TimeSpan.FromMinutes(10),
        [Path.Combine(AppContext.BaseDirectory, "dotnet-compress.dll"), .. args]);

    private JsonNode Latest(BlobLocation target) =>
        JsonNode.Parse(azurite.Container(target).GetBlobClient(target.BlobName("stories-release/latest.json")).DownloadContent().Value.Content.ToString())!;

    public void Dispose() => temp.Dispose();
}
