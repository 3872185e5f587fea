using System.Security.Cryptography;
using ModelCompress.Cli;
using ModelCompress.Core;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// The publisher against GitHub's published REST description: every request goes through Prism (which rejects any request or
/// response the description does not allow) to a stateful fake GitHub.
/// </summary>
[Collection(GitHubCollection.Name)]
public sealed class GitHubPublisherTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private const string RunUrl = "https://github.example/mc/models/actions/runs/42";
    private const string Published = "http://127.0.0.1:10000/devstoreaccount1/models/pruned/demo-pruned/20261129T000000Z-abcdef12";
    private readonly GitHubApi github;
    private readonly TempFolder temp = new("mc-github-");

    public GitHubPublisherTests(GitHubApi github)
    {
        this.github = github;
        github.Fake.ClearFaults();
    }

    private GitHubTarget Target(string repo, int? pr = 7, string? api = null, string? token = null, string? summary = null)
    {
        string[] parts = repo.Split('/');
        return new GitHubTarget(new Uri(api ?? github.ApiUrl), parts[0], parts[1], pr, Sha, token ?? github.Token, RunUrl, summary);
    }

    private GitHubPublisher Publisher(GitHubTarget target) => new(target) { RetryDelay = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public async Task FirstRun_AddsOneCommentAndASuccessCheck_SecondRun_EditsTheSameComment()
    {
        string repo = github.Fake.NewRepository();
        string run = RunFolders.Create(temp, passed: true);
        int mark = await github.MarkPrismLogAsync();

        var first = await Publisher(Target(repo)).PublishAsync(run, [Published]);

        var comment = Assert.Single(github.Fake.Comments(repo, 7));
        Assert.Equal(PullRequestReport.Markdown(run, [Published], RunUrl), comment.Body);
        Assert.Equal("github-actions[bot]", comment.UserLogin);
        Assert.False(first.CommentEdited);
        Assert.Contains($"#issuecomment-{comment.Id}", first.CommentUrl);
        var check = Assert.Single(github.Fake.CheckRuns(repo));
        Assert.Equal(("modelcompress / demo-pruned", Sha, "completed", "success"), (check.Name, check.HeadSha, check.Status, check.Conclusion));
        Assert.Equal("demo-pruned: passed all 2 quality gates", check.Title);
        Assert.Equal(comment.Body, check.Summary);
        Assert.Equal(RunUrl, check.DetailsUrl);
        Assert.False(first.StatusFallback);
        Assert.Empty(github.Fake.Statuses(repo));

        // The same pipeline again, now failing: the one comment is edited, a second (failing) check run is added.
        RunFolders.SetVerdict(run, passed: false);
        var second = await Publisher(Target(repo)).PublishAsync(run, []);

        var edited = Assert.Single(github.Fake.Comments(repo, 7));
        Assert.Equal(comment.Id, edited.Id);
        Assert.True(second.CommentEdited);
        Assert.StartsWith("<!-- modelcompress:demo-pruned -->\n### ❌ demo-pruned: 1 of 2 quality gates failed", edited.Body.ReplaceLineEndings("\n"));
        Assert.Equal(["success", "failure"], github.Fake.CheckRuns(repo).Select(c => c.Conclusion));
        Assert.Equal("demo-pruned: failed facts.acc max_drop 0.01", github.Fake.CheckRuns(repo)[1].Title);

        var requests = github.Fake.RequestsTo(repo);
        Assert.Equal(
        [
            $"GET /repos/{repo}/issues/7/comments?per_page=100&page=1", $"POST /repos/{repo}/issues/7/comments", $"POST /repos/{repo}/check-runs",
            $"GET /repos/{repo}/issues/7/comments?per_page=100&page=1", $"PATCH /repos/{repo}/issues/comments/{comment.Id}", $"POST /repos/{repo}/check-runs",
        ], requests.Select(r => r.ToString()));
        foreach (var r in requests)
        {
            Assert.Equal("application/vnd.github+json", r.Header("Accept"));
            Assert.Equal("2022-11-28", r.Header("X-GitHub-Api-Version"));
            Assert.Equal($"Bearer {github.Token}", r.Header("Authorization"));
            Assert.StartsWith($"ModelCompressTool/{ToolInfo.Version}", r.Header("User-Agent"));
            if (r.Method != "GET") Assert.StartsWith("application/json", r.Header("Content-Type"));
        }
        Assert.Empty(await github.PrismViolationsAsync(mark, errorsOnly: true));
    }

    [Fact]
    public async Task OwnCommentOnTheSecondPage_AmongOtherPipelinesComments_IsFoundAndEdited()
    {
        string repo = github.Fake.NewRepository();
        for (int i = 0; i < 130; i++)
            github.Fake.SeedComment(repo, 3, i % 10 == 0 ? $"{PullRequestReport.Marker("other-pipeline")}\nnot ours" : $"review remark {i}");
        string run = RunFolders.Create(temp, passed: true);

        await Publisher(Target(repo, pr: 3)).PublishAsync(run, [Published]);
        var report = await Publisher(Target(repo, pr: 3)).PublishAsync(run, [Published]);

        var comments = github.Fake.Comments(repo, 3);
        Assert.Equal(131, comments.Count);
        Assert.True(report.CommentEdited);
        Assert.Single(comments, c => c.Body.StartsWith(PullRequestReport.Marker("demo-pruned"), StringComparison.Ordinal));
        Assert.Equal(13, comments.Count(c => c.Body.Contains("modelcompress:other-pipeline", StringComparison.Ordinal)));
        Assert.Contains(github.Fake.RequestsTo(repo), r => r.PathAndQuery.EndsWith("per_page=100&page=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenThatCannotWriteChecks_SetsACommitStatusInstead()
    {
        string repo = github.Fake.NewRepository();
        github.Fake.ChecksWritable = false;
        var report = await Publisher(Target(repo)).PublishAsync(RunFolders.Create(temp, passed: false), []);

        Assert.True(report.StatusFallback);
        Assert.Empty(github.Fake.CheckRuns(repo));
        var status = Assert.Single(github.Fake.Statuses(repo));
        Assert.Equal((Sha, "failure", "modelcompress/demo-pruned", RunUrl), (status.Sha, status.State, status.Context, status.TargetUrl));
        Assert.Equal("demo-pruned: failed facts.acc max_drop 0.01", status.Description);
    }

    [Fact]
    public async Task EnterpriseBaseUrl_KeepsTheApiV3Prefix_AndAppendsTheStepSummary()
    {
        string repo = github.Fake.NewRepository();
        string summary = Path.Combine(temp, "summary.md");
        File.WriteAllText(summary, "earlier step\n");
        string run = RunFolders.Create(temp, passed: true);

        var report = await Publisher(Target(repo, api: github.EnterpriseApiUrl, summary: summary)).PublishAsync(run, [Published]);

        Assert.Single(github.Fake.Comments(repo, 7));
        Assert.Single(github.Fake.CheckRuns(repo));
        Assert.True(report.StepSummary);
        Assert.Equal("earlier step\n" + PullRequestReport.Markdown(run, [Published], RunUrl) + Environment.NewLine, File.ReadAllText(summary));
    }

    [Fact]
    public async Task ServerError_IsRetried()
    {
        string repo = github.Fake.NewRepository();
        github.Fake.FailNext(502, "Server Error");
        await Publisher(Target(repo)).PublishAsync(RunFolders.Create(temp, passed: true), []);

        Assert.Single(github.Fake.Comments(repo, 7));
        Assert.Equal(2, github.Fake.RequestsTo(repo).Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task ShortSecondaryRateLimit_IsWaitedOut_ThenTheRequestSucceeds()
    {
        string repo = github.Fake.NewRepository();
        github.Fake.FailNext(403, "You have exceeded a secondary rate limit.", new Dictionary<string, string> { ["retry-after"] = "1" });
        await Publisher(Target(repo)).PublishAsync(RunFolders.Create(temp, passed: true), []);

        Assert.Single(github.Fake.Comments(repo, 7));
        Assert.Equal(2, github.Fake.RequestsTo(repo).Count(r => r.Method == "GET"));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "bad-token", "GitHub rejected the token on GET /repos/REPO/issues/7/comments (401 Bad credentials)" },
        { "rate-limit", "GitHub API rate limit exceeded on GET /repos/REPO/issues/7/comments (403 API rate limit exceeded for installation ID 1.); the core limit resets at" },
        { "no-repo", "GitHub answered 404 on GET /repos/REPO/issues/7/comments (Not Found)" },
        { "secondary-limit", "GitHub API rate limit exceeded on GET /repos/REPO/issues/7/comments (429 You have exceeded a secondary rate limit.); retry after 600 s" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refusal_ExitsFour_WithAClearMessage_AndKeepsTheRunFolder(string refusal, string message)
    {
        string repo = refusal == "no-repo" ? "nobody/nothing" : github.Fake.NewRepository();
        string token = refusal == "bad-token" ? "wrong-token" : github.Token;
        if (refusal == "rate-limit") github.Fake.RateLimited = true;
        if (refusal == "secondary-limit")
            github.Fake.FailNext(429, "You have exceeded a secondary rate limit.", new Dictionary<string, string> { ["retry-after"] = "600" });
        string run = RunFolders.Create(temp, passed: true);
        string before = FolderHash(run);

        var error = new StringWriter();
        int code = CliApp.Run(["publish", run, "--github-repo", repo, "--github-pr", "7", "--github-sha", Sha, "--github-api-url", github.ApiUrl],
            new StringWriter(), error, name => name == "GITHUB_TOKEN" ? token : null);

        Assert.Equal(ExitCodes.PublishFailed, code);
        Assert.Contains(message.Replace("REPO", repo, StringComparison.Ordinal), error.ToString());
        Assert.Contains("The local run is kept", error.ToString());
        Assert.DoesNotContain(token, error.ToString());
        Assert.Equal(before, FolderHash(run));
        if (refusal != "no-repo") Assert.Empty(github.Fake.Comments(repo, 7));
        github.Fake.ClearFaults();
    }

    private static string FolderHash(string dir) => Convert.ToHexString(SHA256.HashData(
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(f => System.Text.Encoding.UTF8.GetBytes(f).Concat(File.ReadAllBytes(f))).ToArray()));

    public void Dispose()
    {
        github.Fake.ClearFaults();
        temp.Dispose();
    }
}
