using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Integration.Tests.AzureDevOps;

/// <summary>
/// The request bodies the Azure DevOps REST reference (api-version 7.1) documents for pull-request threads and their comments:
/// GitPullRequestCommentThread and Comment, each property with its JSON kind, and the CommentThreadStatus and CommentType
/// enums (sent as a number or the name). A body with a property the reference does not list, or a value of the wrong kind, is
/// what the fake answers 400 for, as the service does.
/// </summary>
public static class AzureDevOpsShapes
{
    /// <summary>CommentThreadStatus: its names in the order of their numbers.</summary>
    public static readonly string[] ThreadStatuses = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"];

    /// <summary>CommentType: its names in the order of their numbers.</summary>
    public static readonly string[] CommentTypes = ["unknown", "text", "codeChange", "system"];

    private static readonly Dictionary<string, JsonValueKind[]> Thread = new()
    {
        ["_links"] = [JsonValueKind.Object], ["comments"] = [JsonValueKind.Array], ["id"] = [JsonValueKind.Number],
        ["identities"] = [JsonValueKind.Object], ["isDeleted"] = [JsonValueKind.True, JsonValueKind.False],
        ["lastUpdatedDate"] = [JsonValueKind.String], ["properties"] = [JsonValueKind.Object],
        ["publishedDate"] = [JsonValueKind.String], ["pullRequestThreadContext"] = [JsonValueKind.Object],
        ["status"] = [JsonValueKind.Number, JsonValueKind.String], ["threadContext"] = [JsonValueKind.Object],
    };

    private static readonly Dictionary<string, JsonValueKind[]> Comment = new()
    {
        ["_links"] = [JsonValueKind.Object], ["author"] = [JsonValueKind.Object],
        ["commentType"] = [JsonValueKind.Number, JsonValueKind.String], ["content"] = [JsonValueKind.String],
        ["id"] = [JsonValueKind.Number], ["isDeleted"] = [JsonValueKind.True, JsonValueKind.False],
        ["lastContentUpdatedDate"] = [JsonValueKind.String], ["lastUpdatedDate"] = [JsonValueKind.String],
        ["parentCommentId"] = [JsonValueKind.Number], ["publishedDate"] = [JsonValueKind.String],
        ["usersLiked"] = [JsonValueKind.Array],
    };

    /// <summary>Why <paramref name="body"/> is not a GitPullRequestCommentThread (its comments checked too); null when it is.</summary>
    public static string? ThreadProblem(JsonObject body)
    {
        if (Problem(body, Thread, "GitPullRequestCommentThread") is { } problem) return problem;
        if (body["status"] is { } status && Enum(status, ThreadStatuses) is null)
            return $"status {status.ToJsonString()} is not a CommentThreadStatus";
        foreach (var comment in body["comments"]?.AsArray() ?? [])
        {
            if (comment is not JsonObject c) return "a comment is not an object";
            if (CommentProblem(c) is { } p) return p;
        }
        return null;
    }

    /// <summary>Why <paramref name="body"/> is not a Comment; null when it is.</summary>
    public static string? CommentProblem(JsonObject body)
    {
        if (Problem(body, Comment, "Comment") is { } problem) return problem;
        if (body["commentType"] is { } type && Enum(type, CommentTypes) is null)
            return $"commentType {type.ToJsonString()} is not a CommentType";
        return null;
    }

    /// <summary>The enum name of a number or a name (case-insensitive, as the service reads it); null when it is neither.</summary>
    public static string? Enum(JsonNode value, string[] names)
    {
        if (value.GetValueKind() == JsonValueKind.Number)
            return value.GetValue<int>() is int n && n >= 0 && n < names.Length ? names[n] : null;
        string text = value.GetValue<string>();
        return names.FirstOrDefault(name => name.Equals(text, StringComparison.OrdinalIgnoreCase));
    }

    private static string? Problem(JsonObject body, Dictionary<string, JsonValueKind[]> shape, string type)
    {
        foreach (var (name, value) in body)
        {
            if (!shape.TryGetValue(name, out var kinds)) return $"'{name}' is not a property of {type}";
            if (value is not null && !kinds.Contains(value.GetValueKind()))
                return $"{type}.{name} is {value.GetValueKind()}, not {kinds[0]}";
        }
        return null;
    }
}
