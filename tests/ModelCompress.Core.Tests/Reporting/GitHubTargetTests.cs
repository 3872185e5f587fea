using ModelCompress.Core.Reporting.GitHub;

namespace ModelCompress.Core.Tests.Reporting;

public sealed class GitHubTargetTests
{
    private const string Head = "0123456789abcdef0123456789abcdef01234567";
    private const string Merge = "fedcba9876543210fedcba9876543210fedcba98";

    private static Func<string, string?> Env(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    private static Dictionary<string, string> Actions(string? eventPayload)
    {
        var env = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true", ["GITHUB_REPOSITORY"] = "contoso/llm", ["GITHUB_SHA"] = Merge, ["GITHUB_TOKEN"] = "ghs_secret",
            ["GITHUB_API_URL"] = "https://ghe.contoso.com/api/v3", ["GITHUB_SERVER_URL"] = "https://ghe.contoso.com", ["GITHUB_RUN_ID"] = "42",
            ["GITHUB_STEP_SUMMARY"] = "/tmp/summary.md",
        };
        if (eventPayload is not null)
        {
            string path = Path.Combine(Directory.CreateTempSubdirectory("mc-event-").FullName, "event.json");
            File.WriteAllText(path, eventPayload);
            env["GITHUB_EVENT_PATH"] = path;
        }
        return env;
    }

    [Fact]
    public void Actions_PullRequestEvent_TakesNumberAndHeadCommitFromThePayload()
    {
        var target = GitHubTarget.Resolve(new GitHubOptions(), Env(Actions("{\"pull_request\":{\"number\":17,\"head\":{\"sha\":\"" + Head + "\"}}}")))!;
        Assert.Equal("contoso/llm", target.FullName);
        Assert.Equal(17, target.PullRequest);
        Assert.Equal(Head, target.HeadSha);
        Assert.Equal("https://ghe.contoso.com/api/v3", target.ApiUrl.ToString());
        Assert.Equal("https://ghe.contoso.com/contoso/llm/actions/runs/42", target.RunUrl);
        Assert.Equal("/tmp/summary.md", target.StepSummaryPath);
        Assert.Equal("ghs_secret", target.Token);
        Assert.DoesNotContain("ghs_secret", target.ToString());
    }

    [Fact]
    public void Actions_PushEvent_NoPullRequest_CheckOnTheCommit()
    {
        var target = GitHubTarget.Resolve(new GitHubOptions(), Env(Actions("""{"ref":"refs/heads/main"}""")))!;
        Assert.Null(target.PullRequest);
        Assert.Equal(Merge, target.HeadSha);
    }

    [Fact]
    public void ExplicitOptions_OverrideTheEnvironment()
    {
        var env = new Dictionary<string, string> { ["GITHUB_TOKEN"] = "t" };
        var target = GitHubTarget.Resolve(new GitHubOptions("me/models", 3, Head.ToUpperInvariant(), "http://127.0.0.1:9/api/v3"), Env(env))!;
        Assert.Equal(("me", "models", 3, Head), (target.Owner, target.Repository, target.PullRequest, target.HeadSha));
        Assert.Equal("http://127.0.0.1:9/api/v3", target.ApiUrl.ToString());
        Assert.Null(target.RunUrl);
        Assert.Null(target.StepSummaryPath);
    }

    [Fact]
    public void OutsideActions_WithoutOptions_NothingToReport() =>
        Assert.Null(GitHubTarget.Resolve(new GitHubOptions(), Env(new() { ["GITHUB_TOKEN"] = "t", ["GITHUB_REPOSITORY"] = "a/b" })));

    [Fact]
    public void InsideActions_WithoutToken_WarnsAndReportsNothing()
    {
        var env = Actions(null);
        env.Remove("GITHUB_TOKEN");
        var warnings = new List<string>();
        Assert.Null(GitHubTarget.Resolve(new GitHubOptions(), Env(env), warnings.Add));
        Assert.Contains("needs a token in GITHUB_TOKEN", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("noslash", 1, Head, "is not OWNER/NAME")]
    [InlineData("me/models", 1, null, "pass --github-sha")]
    [InlineData("me/models", 1, "abc", "is not a commit SHA")]
    [InlineData(null, 1, Head, "need --github-repo")]
    public void IncompleteOptions_AreInvalidInput(string? repo, int pr, string? sha, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() =>
            GitHubTarget.Resolve(new GitHubOptions(repo, pr, sha), Env(new() { ["GITHUB_TOKEN"] = "t" })));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void RepositoryNamedWithoutToken_IsInvalidInput()
    {
        var e = Assert.Throws<InvalidInputException>(() => GitHubTarget.Resolve(new GitHubOptions("me/models", 1, Head), Env([])));
        Assert.Contains("GITHUB_TOKEN", e.Message);
    }
}
