using System.Text.Json.Nodes;
using ModelCompress.Cli;
using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Integration.Tests.GitHub;

namespace ModelCompress.Integration.Tests.AzureDevOps;

/// <summary>
/// The pull-request thread on Azure Repos, against a loopback Azure DevOps collection that checks every request against the
/// REST reference (method, path, api-version, bearer token, JSON body shapes) and keeps the threads: one thread per pipeline,
/// created once and edited on every re-run.
/// </summary>
public sealed class AzureDevOpsThreadTests : IDisposable
{
    private const int Pr = 7;
    private const string Published = "http://127.0.0.1:10000/devstoreaccount1/models/pruned/demo-pruned/20261129T000000Z-abcdef12";
    private readonly FakeAzureDevOps server = new();
    private readonly TempFolder temp = new("mc-ado-");

    private Dictionary<string, string> Environment(string token = FakeAzureDevOps.Token) => new()
    {
        ["TF_BUILD"] = "True",
        ["SYSTEM_COLLECTIONURI"] = server.CollectionUrl,
        ["SYSTEM_TEAMPROJECT"] = FakeAzureDevOps.Project,
        ["BUILD_REPOSITORY_ID"] = FakeAzureDevOps.Repository,
        ["BUILD_REPOSITORY_NAME"] = "models",
        ["BUILD_REPOSITORY_PROVIDER"] = "TfsGit",
        ["BUILD_BUILDID"] = "99",
        ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = Pr.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SYSTEM_ACCESSTOKEN"] = token,
    };

    private AzureDevOpsPublisher Publisher() =>
        new(AzureDevOpsTarget.Resolve(name => Environment().GetValueOrDefault(name))!) { RetryDelay = TimeSpan.FromMilliseconds(10) };

    private string RunUrl => $"{server.CollectionUrl}Model%20Team/_build/results?buildId=99";

    private List<JsonObject> Ours() =>
        [.. server.Threads(Pr).Where(t => t["comments"]![0]!["content"]!.GetValue<string>().StartsWith(
            PullRequestReport.Marker("demo-pruned"), StringComparison.Ordinal))];

    [Fact]
    public async Task FirstRun_CreatesOneResolvedThread_ReRuns_EditItsComment_AndSetItsStatus()
    {
        server.AddReviewerThread(Pr, "Please also gate on arc_easy.");
        string run = RunFolders.Create(temp, passed: true);

        var first = await Publisher().PublishAsync(run, [Published]);

        var thread = Assert.Single(Ours());
        Assert.Equal(2, server.Threads(Pr).Count);
        Assert.False(first.Edited);
        Assert.Equal(thread["id"]!.GetValue<int>(), first.ThreadId);
        Assert.Equal(PullRequestReport.Markdown(run, [Published], RunUrl), thread["comments"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("fixed", thread["status"]!.GetValue<string>());
        Assert.Equal($"{server.CollectionUrl}Model%20Team/_git/models/pullrequest/7?discussionId={first.ThreadId}", first.Url);

        // The same pipeline again, now failing: the one thread's comment is edited and the thread becomes active.
        RunFolders.SetVerdict(run, passed: false);
        var second = await Publisher().PublishAsync(run, []);
        // And once more with the same verdict: only the comment is edited, the status is already right.
        var third = await Publisher().PublishAsync(run, []);

        var edited = Assert.Single(Ours());
        Assert.Equal(2, server.Threads(Pr).Count);
        Assert.Equal((first.ThreadId, true, "active"), (second.ThreadId, second.Edited, second.Status));
        Assert.Equal((first.ThreadId, true), (third.ThreadId, third.Edited));
        Assert.Equal("active", edited["status"]!.GetValue<string>());
        Assert.Single(edited["comments"]!.AsArray());
        Assert.StartsWith("<!-- modelcompress:demo-pruned -->\n### ❌ demo-pruned: 1 of 2 quality gates failed",
            edited["comments"]![0]!["content"]!.GetValue<string>().ReplaceLineEndings("\n"));
        Assert.Equal("Please also gate on arc_easy.", server.Threads(Pr).Single(t => t["id"]!.GetValue<int>() != first.ThreadId)
            ["comments"]![0]!["content"]!.GetValue<string>());

        string threads = FakeAzureDevOps.ThreadsPath(Pr);
        string ours = $"{threads}/{first.ThreadId}";
        Assert.Equal(
        [
            $"GET {threads}?api-version=7.1", $"POST {threads}?api-version=7.1",
            $"GET {threads}?api-version=7.1", $"PATCH {ours}/comments/{first.CommentId}?api-version=7.1", $"PATCH {ours}?api-version=7.1",
            $"GET {threads}?api-version=7.1", $"PATCH {ours}/comments/{first.CommentId}?api-version=7.1",
        ], server.Requests.Select(r => r.ToString()));
        foreach (var r in server.Requests)
        {
            Assert.Equal($"Bearer {FakeAzureDevOps.Token}", r.Header("Authorization"));
            Assert.StartsWith($"ModelCompressTool/{Core.ToolInfo.Version}", r.Header("User-Agent"));
            if (r.Method != "GET") Assert.StartsWith("application/json", r.Header("Content-Type"));
            else Assert.Equal("", r.Body);
        }
        var create = JsonNode.Parse(server.Requests[1].Body)!;
        Assert.Equal(2, create["status"]!.GetValue<int>());
        Assert.Equal(["commentType", "content", "parentCommentId"],
            create["comments"]![0]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["content"], JsonNode.Parse(server.Requests[3].Body)!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"status":1}""", server.Requests[4].Body);
    }

    [Fact]
    public void PullRequestBuild_PublishCommandTwice_AddsTheThreadOnce_ThenEditsIt()
    {
        string run = RunFolders.Create(temp, passed: false);
        var env = Environment();

        var (out1, err1) = (new StringWriter(), new StringWriter());
        int first = CliApp.Run(["publish", run], out1, err1, name => env.GetValueOrDefault(name));
        var (out2, err2) = (new StringWriter(), new StringWriter());
        int second = CliApp.Run(["publish", run], out2, err2, name => env.GetValueOrDefault(name));

        Assert.True(first == ExitCodes.GateFailed, err1.ToString());
        Assert.True(second == ExitCodes.GateFailed, err2.ToString());
        int id = Assert.Single(Ours())["id"]!.GetValue<int>();
        Assert.Contains($"azure devops: added thread {id} on pull request 7 (active)", out1.ToString());
        Assert.Contains($"azure devops: edited thread {id} on pull request 7 (active)", out2.ToString());
        Assert.Contains("##vso[task.logissue type=error]demo-pruned: quality gate facts.acc max_drop 0.01 failed", err2.ToString());
        Assert.DoesNotContain(FakeAzureDevOps.Token, out1.ToString() + err1 + out2 + err2);
    }

    [Fact]
    public void RejectedToken_ExitsFour_NamesTheFix_AndAddsNoThread()
    {
        string run = RunFolders.Create(temp, passed: true);
        var env = Environment(token: "expired-token");
        var error = new StringWriter();

        int code = CliApp.Run(["publish", run], new StringWriter(), error, name => env.GetValueOrDefault(name));

        Assert.Equal(ExitCodes.PublishFailed, code);
        Assert.Contains($"Azure DevOps rejected the token on GET {FakeAzureDevOps.ThreadsPath(Pr)} (401 TF400813", error.ToString());
        Assert.Contains("env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)", error.ToString());
        Assert.DoesNotContain("expired-token", error.ToString());
        Assert.Empty(server.Threads(Pr));
    }

    public void Dispose()
    {
        server.Dispose();
        temp.Dispose();
    }
}
