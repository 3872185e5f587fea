using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Integration.Tests.GitHub;

namespace ModelCompress.Integration.Tests.AzureDevOps;

/// <summary>
/// A stateful Azure DevOps Server collection on loopback (<c>http://127.0.0.1:PORT/tfs/DefaultCollection/</c>) serving the
/// pull-request thread calls of the REST reference, api-version 7.1: List and Create threads, Update a thread, Update a comment.
/// It answers 401 without the bearer token, 400 for a missing or other api-version, a body that is not JSON or not the
/// documented shape (<see cref="AzureDevOpsShapes"/>), 404 for any other path, and answers with the documented response
/// shapes (a list is <c>{"value": [...], "count": n}</c>; statuses and comment types as names). Every request is recorded.
/// </summary>
public sealed class FakeAzureDevOps : IDisposable
{
    public const string Project = "Model Team";
    public const string Repository = "5febef5a-833d-4e14-b9c0-14cb638f91e6";
    public const string Token = "ado-oauth-token";
    private const string CollectionPath = "/tfs/DefaultCollection/";

    private readonly object gate = new();
    private readonly List<JsonObject> threads = [];
    private readonly List<RecordedRequest> requests = [];
    private readonly LoopbackHttpServer server;
    private int nextThread = 41;

    public FakeAzureDevOps() => server = new LoopbackHttpServer(Handle);

    /// <summary>The collection URL as the agent sets SYSTEM_COLLECTIONURI (trailing slash).</summary>
    public string CollectionUrl => server.Url + CollectionPath;

    /// <summary>The threads endpoint of pull request <paramref name="pr"/>, as a path.</summary>
    public static string ThreadsPath(int pr) =>
        $"{CollectionPath}{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Repository}/pullRequests/{pr}/threads";

    public IReadOnlyList<RecordedRequest> Requests { get { lock (gate) return [.. requests]; } }

    /// <summary>A snapshot of pull request <paramref name="pr"/>'s threads as the List call returns them.</summary>
    public IReadOnlyList<JsonObject> Threads(int pr)
    {
        lock (gate) return [.. threads.Where(t => (int)t["pr"]! == pr).Select(Public)];
    }

    /// <summary>A reviewer's own thread, which the tool must leave alone.</summary>
    public void AddReviewerThread(int pr, string content)
    {
        lock (gate) threads.Add(NewThread(pr, content, "text", "active", "Reviewer"));
    }

    private async Task Handle(HttpListenerContext context)
    {
        var request = await RecordedRequest.ReadAsync(context.Request);
        (int status, JsonNode answer) reply;
        lock (gate)
        {
            requests.Add(request);
            reply = Respond(request.Method, request.PathAndQuery, request.Headers, request.Body);
        }
        byte[] bytes = Encoding.UTF8.GetBytes(reply.answer.ToJsonString());
        context.Response.StatusCode = reply.status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
    }

    private (int, JsonNode) Respond(string method, string raw, IReadOnlyDictionary<string, string> headers, string text)
    {
        if (!headers.TryGetValue("Authorization", out string? auth) || auth != $"Bearer {Token}")
            return Error(401, "TF400813: The user is not authorized to access this resource.");
        int q = raw.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? raw : raw[..q];
        var query = System.Web.HttpUtility.ParseQueryString(q < 0 ? "" : raw[(q + 1)..]);
        if (query["api-version"] != "7.1") return Error(400, $"VS800075: api-version '{query["api-version"]}' is not 7.1.");
        string prefix = $"{CollectionPath}{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Repository}/pullRequests/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return Error(404, $"TF401019: no repository at {path}.");
        string[] rest = path[prefix.Length..].Split('/');
        JsonObject? json = null;
        if (method is "POST" or "PATCH")
        {
            if (!headers.TryGetValue("Content-Type", out string? type) || !type.StartsWith("application/json", StringComparison.Ordinal))
                return Error(415, "the body must be application/json");
            try { json = JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { json = null; }
            if (json is null) return Error(400, "the body is not a JSON object");
        }
        return (method, rest) switch
        {
            ("GET", [var pr, "threads"]) => List(Int(pr)),
            ("POST", [var pr, "threads"]) => Create(Int(pr), json!),
            ("PATCH", [var pr, "threads", var id]) => UpdateThread(Int(pr), Int(id), json!),
            ("PATCH", [var pr, "threads", var id, "comments", var comment]) => UpdateComment(Int(pr), Int(id), Int(comment), json!),
            _ => Error(404, $"no route for {method} {path}"),
        };
    }

    private (int, JsonNode) List(int pr)
    {
        var value = new JsonArray([.. threads.Where(t => (int)t["pr"]! == pr).Select(Public)]);
        return (200, new JsonObject { ["value"] = value, ["count"] = value.Count });
    }

    private (int, JsonNode) Create(int pr, JsonObject body)
    {
        if (AzureDevOpsShapes.ThreadProblem(body) is { } problem) return Error(400, problem);
        var comments = body["comments"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        if (comments.Count == 0 || comments[0]["content"] is null) return Error(400, "a new thread needs a comment with content");
        string type = comments[0]["commentType"] is { } t ? AzureDevOpsShapes.Enum(t, AzureDevOpsShapes.CommentTypes)! : "text";
        string status = body["status"] is { } s ? AzureDevOpsShapes.Enum(s, AzureDevOpsShapes.ThreadStatuses)! : "active";
        var thread = NewThread(pr, comments[0]["content"]!.GetValue<string>(), type, status, "Project Collection Build Service");
        threads.Add(thread);
        return (200, Public(thread));
    }

    private (int, JsonNode) UpdateThread(int pr, int id, JsonObject body)
    {
        if (AzureDevOpsShapes.ThreadProblem(body) is { } problem) return Error(400, problem);
        if (Find(pr, id) is not { } thread) return Error(404, $"TF401180: thread {id} not found.");
        if (body["status"] is { } s) thread["status"] = AzureDevOpsShapes.Enum(s, AzureDevOpsShapes.ThreadStatuses);
        thread["lastUpdatedDate"] = Now();
        return (200, Public(thread));
    }

    private (int, JsonNode) UpdateComment(int pr, int id, int commentId, JsonObject body)
    {
        if (AzureDevOpsShapes.CommentProblem(body) is { } problem) return Error(400, problem);
        if (Find(pr, id) is not { } thread) return Error(404, $"TF401180: thread {id} not found.");
        if (thread["comments"]!.AsArray().OfType<JsonObject>().FirstOrDefault(c => (int)c["id"]! == commentId) is not { } comment)
            return Error(404, $"TF401181: comment {commentId} not found.");
        if (body["content"] is { } content) comment["content"] = content.GetValue<string>();
        comment["lastUpdatedDate"] = Now();
        comment["lastContentUpdatedDate"] = Now();
        return (200, comment.DeepClone());
    }

    private JsonObject? Find(int pr, int id) => threads.FirstOrDefault(t => (int)t["pr"]! == pr && (int)t["id"]! == id);

    private JsonObject NewThread(int pr, string content, string type, string status, string author)
    {
        string now = Now();
        var comment = new JsonObject
        {
            ["id"] = 1, ["parentCommentId"] = 0, ["author"] = new JsonObject { ["displayName"] = author, ["id"] = Guid.NewGuid() },
            ["content"] = content, ["publishedDate"] = now, ["lastUpdatedDate"] = now, ["lastContentUpdatedDate"] = now,
            ["commentType"] = type, ["usersLiked"] = new JsonArray(),
        };
        return new JsonObject
        {
            ["pr"] = pr, ["id"] = nextThread++, ["publishedDate"] = now, ["lastUpdatedDate"] = now,
            ["comments"] = new JsonArray(comment), ["status"] = status, ["threadContext"] = null,
            ["properties"] = new JsonObject(), ["identities"] = null, ["isDeleted"] = false,
        };
    }

    // The thread as the service shows it: without the fake's own pull-request field.
    private static JsonObject Public(JsonObject thread)
    {
        var copy = (JsonObject)thread.DeepClone();
        copy.Remove("pr");
        return copy;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    private static (int, JsonNode) Error(int status, string message) =>
        (status, new JsonObject { ["$id"] = "1", ["message"] = message, ["typeKey"] = "InvalidArgumentValueException", ["errorCode"] = 0 });

    public void Dispose() => server.Dispose();
}
