using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelCompress.Integration.Tests.GitHub;

// The five operations, with the validation GitHub applies beyond the published schema (Prism enforces the schema itself).
public sealed partial class FakeGitHub
{
    private const string ListDocs = "https://docs.github.com/rest/issues/comments#list-issue-comments";
    private const string CreateCommentDocs = "https://docs.github.com/rest/issues/comments#create-an-issue-comment";
    private const string UpdateCommentDocs = "https://docs.github.com/rest/issues/comments#update-an-issue-comment";
    private const string CheckRunDocs = "https://docs.github.com/rest/checks/runs#create-a-check-run";
    private const string StatusDocs = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";

    /// <summary>GitHub refuses longer comment bodies with 422 (the published schema states no limit).</summary>
    public const int MaxCommentLength = 65536;

    /// <summary>GitHub refuses longer commit-status descriptions with 422 (the published schema states no limit).</summary>
    public const int MaxStatusDescriptionLength = 140;

    /// <summary>The schema's limit on a check run's <c>output.summary</c> and <c>output.text</c>.</summary>
    public const int MaxCheckRunTextLength = 65535;

    private static readonly string[] CheckStatuses = ["queued", "in_progress", "completed"];
    private static readonly string[] Conclusions = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "timed_out"];
    private static readonly string[] States = ["error", "failure", "pending", "success"];

    /// <summary>Ascending by id; <c>per_page</c> 30 by default and at most 100, <c>page</c> from 1 (GitHub's rules).</summary>
    private Reply ListComments(string repo, int issue, string? perPageText, string? pageText)
    {
        int perPage = int.TryParse(perPageText, CultureInfo.InvariantCulture, out int p) && p > 0 ? Math.Min(p, 100) : 30;
        int page = int.TryParse(pageText, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 1;
        var all = comments.Where(c => c.Repo == repo && c.Issue == issue).OrderBy(c => c.Id).ToList();
        var items = all.Skip((int)Math.Min(int.MaxValue, (long)(page - 1) * perPage)).Take(perPage);
        var array = new JsonArray(items.Select(c => (JsonNode)CommentJson(c, spec.FirstItem(GitHubSpec.IssueCommentItemsExample))).ToArray());
        int last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        if (last == 1) return new Reply(200, array);
        string Page(int number, string rel) => $"<{ApiBase}/repos/{repo}/issues/{issue}/comments?per_page={perPage}&page={number}>; rel=\"{rel}\"";
        var links = new List<string>();
        if (page > 1) links.Add(Page(Math.Min(page - 1, last), "prev"));
        if (page < last) links.AddRange([Page(page + 1, "next"), Page(last, "last")]);
        if (page > 1) links.Add(Page(1, "first"));
        return new Reply(200, array, new Dictionary<string, string> { ["Link"] = string.Join(", ", links) });
    }

    private Reply CreateComment(string repo, int issue, JsonObject request)
    {
        if (CommentBodyProblem(request, CreateCommentDocs) is { } problem) return problem;
        var comment = AddComment(repo, issue, request["body"]!.GetValue<string>(), BotLogin);
        var json = CommentJson(comment, spec.Object(GitHubSpec.IssueCommentExample));
        return new Reply(201, json, new Dictionary<string, string> { ["Location"] = json["url"]!.GetValue<string>() });
    }

    private Reply UpdateComment(string repo, long id, JsonObject request)
    {
        int index = comments.FindIndex(c => c.Id == id && c.Repo == repo);
        if (index < 0) return NotFound();
        if (CommentBodyProblem(request, UpdateCommentDocs) is { } problem) return problem;
        comments[index] = comments[index] with { Body = request["body"]!.GetValue<string>(), UpdatedAt = Now() };
        return new Reply(200, CommentJson(comments[index], spec.Object(GitHubSpec.IssueCommentExample)));
    }

    private static Reply? CommentBodyProblem(JsonObject request, string docs) => Text(request, "body") switch
    {
        (false, _, _) => Invalid("\"body\" wasn't supplied.", docs),
        (_, _, true) or (_, null, _) => Invalid("For 'properties/body', it is not a string.", docs),
        (_, { Length: > MaxCommentLength }, _) => ValidationFailed("IssueComment", "data", $"Body is too long (maximum is {MaxCommentLength} characters)", docs),
        (_, var body, _) when string.IsNullOrWhiteSpace(body) => ValidationFailed("IssueComment", "body", "Body cannot be blank", docs),
        _ => null,
    };

    private Reply CreateCheckRun(string repo, JsonObject request)
    {
        if (!ChecksWritable) return Error(403, "Resource not accessible by integration", documentationUrl: CheckRunDocs);
        var name = Text(request, "name");
        var sha = Text(request, "head_sha");
        var status = Text(request, "status");
        var conclusion = Text(request, "conclusion");
        var detailsUrl = Text(request, "details_url");
        var externalId = Text(request, "external_id");
        if (!name.Present || !sha.Present) return Invalid($"\"{(name.Present ? "head_sha" : "name")}\" wasn't supplied.", CheckRunDocs);
        foreach (var (field, value) in new[] { ("name", name), ("head_sha", sha), ("status", status), ("conclusion", conclusion), ("details_url", detailsUrl), ("external_id", externalId) })
            if (value.Wrong || (value.Present && value.Value is null)) return Invalid($"For 'properties/{field}', it is not a string.", CheckRunDocs);
        if (string.IsNullOrWhiteSpace(name.Value)) return ValidationFailed("CheckRun", "name", "name can't be blank", CheckRunDocs);
        if (!IsSha(sha.Value!)) return Error(422, $"No commit found for SHA: {sha.Value}", documentationUrl: CheckRunDocs);
        string state = status.Value ?? "queued";
        if (!CheckStatuses.Contains(state)) return Invalid($"For 'properties/status', \"{state}\" is not one of {string.Join(", ", CheckStatuses)}.", CheckRunDocs);
        if (conclusion.Value is { } c && !Conclusions.Contains(c)) return Invalid($"For 'properties/conclusion', \"{c}\" is not an allowed conclusion.", CheckRunDocs);
        if (!Time(request, "started_at", out var startedAt) || !Time(request, "completed_at", out var completedAt))
            return Invalid("For 'properties/started_at' or 'properties/completed_at', it is not a date-time.", CheckRunDocs);
        if (conclusion.Value is not null) state = "completed";
        else if (state == "completed" || completedAt is not null) return Invalid("\"conclusion\" wasn't supplied (it is required with status \"completed\" or completed_at).", CheckRunDocs);

        string? title = null, summary = null, text = null;
        if (request["output"] is JsonNode output)
        {
            if (output is not JsonObject o) return Invalid("For 'properties/output', it is not an object.", CheckRunDocs);
            var (t, s, x) = (Text(o, "title"), Text(o, "summary"), Text(o, "text"));
            if (t.Value is null || s.Value is null || t.Wrong || s.Wrong || x.Wrong) return Invalid("\"title\" and \"summary\" are required strings in \"output\".", CheckRunDocs);
            if (s.Value.Length > MaxCheckRunTextLength || x.Value?.Length > MaxCheckRunTextLength)
                return Invalid($"Output summary and text are limited to {MaxCheckRunTextLength} characters.", CheckRunDocs);
            (title, summary, text) = (t.Value, s.Value, x.Value);
        }

        var now = Now();
        var run = new FakeCheckRun(++lastCheckRunId, repo, name.Value!, sha.Value!, state, conclusion.Value, detailsUrl.Value, externalId.Value,
            title, summary, text, startedAt ?? now, state == "completed" ? completedAt ?? now : null);
        checkRuns.Add(run);
        return new Reply(201, CheckRunJson(run));
    }

    private Reply CreateStatus(string repo, string sha, JsonObject request)
    {
        if (!IsSha(sha)) return Error(422, $"No commit found for SHA: {sha}", documentationUrl: StatusDocs);
        var state = Text(request, "state");
        var targetUrl = Text(request, "target_url", nullable: true);
        var description = Text(request, "description", nullable: true);
        var context = Text(request, "context");
        if (!state.Present) return Invalid("\"state\" wasn't supplied.", StatusDocs);
        if (state.Value is not { } s || !States.Contains(s)) return Invalid("For 'properties/state', it is not one of error, failure, pending, success.", StatusDocs);
        if (targetUrl.Wrong || description.Wrong || context.Wrong || (context.Present && context.Value is null))
            return Invalid("target_url, description and context must be strings.", StatusDocs);
        if (description.Value?.Length > MaxStatusDescriptionLength)
            return ValidationFailed("Status", "description", $"description is too long (maximum is {MaxStatusDescriptionLength} characters)", StatusDocs);

        var status = new FakeStatus(++lastStatusId, repo, sha, s, targetUrl.Value, description.Value, context.Value ?? "default", Now());
        statuses.Add(status);
        return new Reply(201, StatusJson(status), new Dictionary<string, string> { ["Location"] = $"{ApiBase}/repos/{repo}/statuses/{sha}" });
    }

    private static bool IsSha(string sha) => Sha().IsMatch(sha);

    private static bool Time(JsonObject request, string name, out DateTimeOffset? value)
    {
        value = null;
        var (present, text, wrong) = Text(request, name);
        if (!present) return true;
        if (wrong || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        value = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex Sha();
}
