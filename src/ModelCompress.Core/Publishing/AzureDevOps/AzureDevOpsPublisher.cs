using System.Globalization;
using System.Text.Json.Nodes;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Core.Publishing.AzureDevOps;

/// <summary>What the report did on the pull request: the thread (created or its comment edited) and its status.</summary>
public sealed record AzureDevOpsReport(int ThreadId, int CommentId, bool Edited, string Status, string? Url);

/// <summary>
/// Reports a run on an Azure Repos pull request as ONE thread per pipeline: the threads are listed, the one whose first comment
/// carries the pipeline's hidden marker (<see cref="PullRequestReport.Marker"/>) has that comment edited, and only when there is
/// none is a thread created. A passed run's thread is resolved ("fixed"), a failed run's is active, so a branch policy that
/// requires resolved comments blocks the merge until the gates pass. Uses the documented Pull Request Threads (List, Create,
/// Update) and Pull Request Thread Comments (Update) calls, api-version 7.1.
/// </summary>
public sealed class AzureDevOpsPublisher(AzureDevOpsTarget target)
{
    /// <summary>The first backoff delay of the REST client's retries (tests shorten it).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Upserts the thread for the run in <paramref name="runDir"/>, linking the <paramref name="published"/> run URLs;
    /// <paramref name="publishFailure"/> (why publishing a passed run failed) keeps the thread active and says why.
    /// </summary>
    public async Task<AzureDevOpsReport> PublishAsync(string runDir, IReadOnlyList<string> published, CancellationToken ct = default,
        string? publishFailure = null)
    {
        var run = RunFolder.Read(runDir);
        string content = PullRequestReport.Markdown(run, published, target.RunUrl, publishFailure);
        string status = run.Passed && publishFailure is null ? ThreadStatus.Fixed : ThreadStatus.Active;
        string marker = PullRequestReport.Marker(run.Name);
        using var client = new AzureDevOpsRestClient(target.Collection, target.Token) { RetryDelay = RetryDelay };
        string threads = target.ThreadsPath;
        var list = await client.GetAsync(threads, ct);
        foreach (var thread in (list["value"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (thread["isDeleted"]?.GetValue<bool>() == true) continue;
            var first = (thread["comments"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(c => c["isDeleted"]?.GetValue<bool>() != true);
            if (first?["content"]?.GetValue<string>()?.Contains(marker, StringComparison.Ordinal) != true) continue;
            int threadId = thread["id"]!.GetValue<int>();
            int commentId = first["id"]!.GetValue<int>();
            string thisThread = $"{threads}/{Id(threadId)}";
            await client.PatchAsync($"{thisThread}/comments/{Id(commentId)}", new JsonObject { ["content"] = content }, ct);
            if (!string.Equals(thread["status"]?.ToString(), status, StringComparison.OrdinalIgnoreCase))
                await client.PatchAsync(thisThread, new JsonObject { ["status"] = ThreadStatus.Code(status) }, ct);
            return new AzureDevOpsReport(threadId, commentId, true, status, Url(threadId));
        }
        var body = new JsonObject
        {
            ["comments"] = new JsonArray(new JsonObject { ["parentCommentId"] = 0, ["content"] = content, ["commentType"] = 1 }),
            ["status"] = ThreadStatus.Code(status),
        };
        var created = await client.PostAsync(threads, body, ct);
        int id = created["id"]?.GetValue<int>() ?? 0;
        int comment = (created["comments"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["id"]?.GetValue<int>() ?? 1;
        return new AzureDevOpsReport(id, comment, false, status, Url(id));
    }

    private string? Url(int threadId) => target.PullRequestUrl is { } pr ? $"{pr}?discussionId={Id(threadId)}" : null;

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>CommentThreadStatus as Azure DevOps names it in responses, and its number as requests send it.</summary>
    private static class ThreadStatus
    {
        public const string Active = "active";
        public const string Fixed = "fixed";

        public static int Code(string status) => status == Fixed ? 2 : 1;
    }
}
