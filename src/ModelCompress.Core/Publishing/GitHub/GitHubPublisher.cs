using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>What a report to GitHub did: the comment (created or edited), and the check run or the commit status.</summary>
public sealed record GitHubReport(string? CommentUrl, bool CommentEdited, string? CheckRunUrl, bool StatusFallback, bool StepSummary);

/// <summary>
/// Reports a run where it is reviewed: upserts ONE pull-request comment per pipeline (found again by its hidden marker, so
/// a re-run edits it instead of adding another), sets a check run on the head commit with the verdict (a commit status when
/// the token cannot write checks, e.g. a token without <c>checks: write</c>), and appends the report to the Actions step
/// summary. Any refusal from GitHub is a <see cref="GitHubException"/>; nothing in the run folder is changed.
/// </summary>
public sealed class GitHubPublisher(GitHubTarget target)
{
    private const int PageSize = 100;

    /// <summary>The first backoff delay of the REST client's retries (tests shorten it).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reports the run in <paramref name="runDir"/>; <paramref name="publishFailure"/> (why publishing the passed run failed)
    /// makes the check fail and the comment say why.
    /// </summary>
    public async Task<GitHubReport> PublishAsync(string runDir, IReadOnlyList<string> published, CancellationToken ct = default,
        string? publishFailure = null)
    {
        var run = RunFolder.Read(runDir);
        string body = PullRequestReport.Markdown(run, published, target.RunUrl, publishFailure);
        using var client = new GitHubRestClient(target.ApiUrl, target.Token) { RetryDelay = RetryDelay };
        string? commentUrl = null;
        bool edited = false;
        if (target.PullRequest is int number) (commentUrl, edited) = await UpsertCommentAsync(client, number, run.Name, body, ct);
        string? checkUrl = null;
        bool status = false;
        if (target.HeadSha is string sha) (checkUrl, status) = await SetCheckAsync(client, sha, run, publishFailure is null, body, ct);
        bool summary = false;
        if (target.StepSummaryPath is string path)
        {
            await File.AppendAllTextAsync(path, body + Environment.NewLine, ct);
            summary = true;
        }
        return new GitHubReport(commentUrl, edited, checkUrl, status, summary);
    }

    private async Task<(string Url, bool Edited)> UpsertCommentAsync(GitHubRestClient client, int number, string name, string body,
        CancellationToken ct)
    {
        string repo = $"repos/{target.Owner}/{target.Repository}";
        string marker = PullRequestReport.Marker(name);
        var payload = new JsonObject { ["body"] = body };
        for (int page = 1; ; page++)
        {
            var comments = (await client.GetAsync($"{repo}/issues/{number}/comments?per_page={PageSize}&page={page}", ct)).AsArray();
            var mine = comments.FirstOrDefault(c => c?["body"]?.GetValue<string>()?.Contains(marker, StringComparison.Ordinal) == true);
            if (mine is not null)
            {
                long id = mine["id"]!.GetValue<long>();
                var updated = await client.PatchAsync($"{repo}/issues/comments/{id.ToString(CultureInfo.InvariantCulture)}", payload, ct);
                return (updated["html_url"]?.GetValue<string>() ?? "", true);
            }
            if (comments.Count < PageSize) break;
        }
        var created = await client.PostAsync($"{repo}/issues/{number}/comments", payload, ct);
        return (created["html_url"]?.GetValue<string>() ?? "", false);
    }

    private async Task<(string? Url, bool Status)> SetCheckAsync(GitHubRestClient client, string sha, RunSummary run, bool published,
        string body, CancellationToken ct)
    {
        string repo = $"repos/{target.Owner}/{target.Repository}";
        string name = run.Name;
        string title = run.Passed && !published ? $"{name}: passed its quality gates, but publishing failed" : Title(run);
        bool passed = run.Passed && published;
        var check = new JsonObject
        {
            ["name"] = $"modelcompress / {name}",
            ["head_sha"] = sha,
            ["status"] = "completed",
            ["conclusion"] = passed ? "success" : "failure",
            ["completed_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["output"] = new JsonObject { ["title"] = title, ["summary"] = body },
        };
        if (target.RunUrl is not null) check["details_url"] = target.RunUrl;
        try
        {
            var checkRun = await client.PostAsync($"{repo}/check-runs", check, ct);
            return (checkRun["html_url"]?.GetValue<string>(), false);
        }
        catch (GitHubException e) when (e.Status == HttpStatusCode.Forbidden && !e.RateLimited)
        {
            // A token that may not write checks (GITHUB_TOKEN with checks: read, a personal access token) may still set statuses.
            var state = new JsonObject
            {
                ["state"] = passed ? "success" : "failure",
                ["context"] = $"modelcompress/{name}",
                ["description"] = title.Length <= 140 ? title : title[..139] + "…",
            };
            if (target.RunUrl is not null) state["target_url"] = target.RunUrl;
            var created = await client.PostAsync($"{repo}/statuses/{sha}", state, ct);
            return (created["url"]?.GetValue<string>(), true);
        }
    }

    private static string Title(RunSummary run) => run.Passed
        ? $"{run.Name}: passed all {run.Gates.Count} quality gates"
        : $"{run.Name}: failed {string.Join("; ", run.FailedGates.Select(g => $"{g.Metric} {g.Condition}"))}";
}
