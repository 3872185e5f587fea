using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Integration.Tests.GitHub;

// Response bodies: GitHub's own examples with the fake's ids, texts, URLs and times written over them.
public sealed partial class FakeGitHub
{
    private JsonObject CommentJson(FakeComment comment, JsonObject json)
    {
        string url = $"{ApiBase}/repos/{comment.Repo}/issues/comments/{comment.Id}";
        json["id"] = comment.Id;
        json["node_id"] = NodeId("012:IssueComment", comment.Id);
        json["url"] = url;
        json["html_url"] = $"https://github.com/{comment.Repo}/issues/{comment.Issue}#issuecomment-{comment.Id}";
        json["issue_url"] = $"{ApiBase}/repos/{comment.Repo}/issues/{comment.Issue}";
        json["body"] = comment.Body;
        json["user"] = UserJson(comment.UserLogin, comment.UserType);
        json["created_at"] = Iso(comment.CreatedAt);
        json["updated_at"] = Iso(comment.UpdatedAt);
        json["author_association"] = "NONE";
        return json;
    }

    private JsonObject CheckRunJson(FakeCheckRun run)
    {
        var json = spec.Object(GitHubSpec.CheckRunExample);
        string url = $"{ApiBase}/repos/{run.Repo}/check-runs/{run.Id}";
        json["id"] = run.Id;
        json["head_sha"] = run.HeadSha;
        json["node_id"] = NodeId("08:CheckRun", run.Id);
        json["external_id"] = run.ExternalId;
        json["url"] = url;
        json["html_url"] = $"https://github.com/{run.Repo}/runs/{run.Id}";
        json["details_url"] = run.DetailsUrl;
        json["status"] = run.Status;
        json["conclusion"] = run.Conclusion;
        json["started_at"] = Iso(run.StartedAt);
        json["completed_at"] = run.CompletedAt is { } completed ? Iso(completed) : null;
        json["output"] = new JsonObject
        {
            ["title"] = run.Title, ["summary"] = run.Summary, ["text"] = run.Text,
            ["annotations_count"] = 0, ["annotations_url"] = $"{url}/annotations",
        };
        json["name"] = run.Name;
        json["check_suite"] = new JsonObject { ["id"] = run.Id + 1_000_000_000 };
        var app = json["app"]!.AsObject();
        app["id"] = 15368;
        app["slug"] = "github-actions";
        app["node_id"] = "MDM6QXBwMTUzNjg=";
        app["name"] = "GitHub Actions";
        app["html_url"] = "https://github.com/apps/github-actions";
        json["pull_requests"] = new JsonArray();
        return json;
    }

    private JsonObject StatusJson(FakeStatus status)
    {
        var json = spec.Object(GitHubSpec.StatusExample);
        json["url"] = $"{ApiBase}/repos/{status.Repo}/statuses/{status.Sha}";
        json["avatar_url"] = "https://avatars.githubusercontent.com/in/15368?v=4";
        json["id"] = status.Id;
        json["node_id"] = NodeId("013:StatusContext", status.Id);
        json["state"] = status.State;
        json["description"] = status.Description;
        json["target_url"] = status.TargetUrl;
        json["context"] = status.Context;
        json["created_at"] = Iso(status.CreatedAt);
        json["updated_at"] = Iso(status.CreatedAt);
        json["creator"] = UserJson(BotLogin, "Bot");
        return json;
    }

    /// <summary>The example's user (octocat) renamed, with every API URL moved under the new login.</summary>
    private JsonObject UserJson(string login, string type)
    {
        var user = spec.Object(GitHubSpec.IssueCommentExample)["user"]!.DeepClone().AsObject();
        string oldUrl = user["url"]!.GetValue<string>();
        string url = $"{ApiBase}/users/{Uri.EscapeDataString(login)}";
        foreach (var (key, value) in user.ToList())
            if (value is JsonValue v && v.TryGetValue(out string? s) && s.StartsWith(oldUrl, StringComparison.Ordinal))
                user[key] = url + s[oldUrl.Length..];
        long id = UserId(login);
        user["login"] = login;
        user["id"] = id;
        user["node_id"] = NodeId(type == "Bot" ? "03:Bot" : "04:User", id);
        user["avatar_url"] = $"https://avatars.githubusercontent.com/u/{id}?v=4";
        user["html_url"] = type == "Bot" ? $"https://github.com/apps/{login.Replace("[bot]", "", StringComparison.Ordinal)}" : $"https://github.com/{login}";
        user["type"] = type;
        user["site_admin"] = false;
        return user;
    }

    private static string NodeId(string prefix, long id) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{prefix}{id}"));

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
