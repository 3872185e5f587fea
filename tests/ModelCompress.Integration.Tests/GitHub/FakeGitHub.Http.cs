using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Integration.Tests.GitHub;

// The HTTP side of the fake: read and record a request, apply faults and authentication, route, write the answer.
public sealed partial class FakeGitHub
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A status, a JSON body (none for no content) and extra headers.</summary>
    private sealed record Reply(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null);

    private async Task Handle(HttpListenerContext context)
    {
        var request = await RecordedRequest.ReadAsync(context.Request);
        Reply reply;
        lock (gate)
        {
            requests.Add(request);
            reply = Respond(request.Method, request.PathAndQuery, request.Headers, request.Body);
        }

        var response = context.Response;
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) response.Headers[name] = value;
        if (reply.Body is null) return;
        byte[] bytes = Encoding.UTF8.GetBytes(reply.Body.ToJsonString(Compact));
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    // Called under the lock: a request sees and changes the state atomically.
    private Reply Respond(string method, string pathAndQuery, IReadOnlyDictionary<string, string> headers, string body)
    {
        if (failures.TryDequeue(out var failure)) return Error(failure.Status, failure.Message, failure.Headers);
        if (!headers.TryGetValue("Authorization", out string? authorization) || authorization != $"Bearer {Token}")
            return new Reply(401, new JsonObject { ["message"] = "Bad credentials", ["documentation_url"] = DocumentationUrl, ["status"] = "401" });
        if (RateLimited) return RateLimit();

        int q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        string path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = System.Web.HttpUtility.ParseQueryString(q < 0 ? "" : pathAndQuery[(q + 1)..]);
        string[] segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (segments is not ["repos", var owner, var name, .. var rest] || !repositories.TryGetValue($"{owner}/{name}", out string? repo))
            return NotFound();

        return (method, rest) switch
        {
            ("GET", ["issues", var n, "comments"]) when Number(n) is int issue => ListComments(repo, issue, query["per_page"], query["page"]),
            ("POST", ["issues", var n, "comments"]) when Number(n) is int issue => WithBody(body, o => CreateComment(repo, issue, o)),
            ("PATCH", ["issues", "comments", var id]) when long.TryParse(id, CultureInfo.InvariantCulture, out long commentId) =>
                WithBody(body, o => UpdateComment(repo, commentId, o)),
            ("POST", ["check-runs"]) => WithBody(body, o => CreateCheckRun(repo, o)),
            ("POST", ["statuses", .. var sha]) when sha.Length > 0 => WithBody(body, o => CreateStatus(repo, string.Join('/', sha), o)),
            _ => NotFound(),
        };
    }

    private static int? Number(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;

    /// <summary>GitHub answers 400 "Problems parsing JSON" to a body that is not a JSON object.</summary>
    private static Reply WithBody(string body, Func<JsonObject, Reply> handler)
    {
        JsonObject? parsed;
        try { parsed = JsonNode.Parse(body) as JsonObject; }
        catch (JsonException) { parsed = null; }
        return parsed is null
            ? new Reply(400, new JsonObject { ["message"] = "Problems parsing JSON", ["documentation_url"] = DocumentationUrl, ["status"] = "400" })
            : handler(parsed);
    }

    private static Reply Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null, string documentationUrl = DocumentationUrl) =>
        new(status, new JsonObject { ["message"] = message, ["documentation_url"] = documentationUrl, ["status"] = status.ToString(CultureInfo.InvariantCulture) }, headers);

    private static Reply NotFound() => new(404, new JsonObject { ["message"] = "Not Found", ["documentation_url"] = DocumentationUrl });

    /// <summary>A 422 "Invalid request." as GitHub's schema validation words it (the part after the blank line names the field).</summary>
    private static Reply Invalid(string detail, string documentationUrl) => Error(422, $"Invalid request.\n\n{detail}", documentationUrl: documentationUrl);

    /// <summary>A 422 "Validation Failed" with one error, as GitHub's model validation words it.</summary>
    private static Reply ValidationFailed(string resource, string field, string message, string documentationUrl) =>
        new(422, new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(new JsonObject { ["resource"] = resource, ["code"] = "custom", ["field"] = field, ["message"] = message }),
            ["documentation_url"] = documentationUrl,
            ["status"] = "422",
        });

    private static Reply RateLimit()
    {
        long reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return new Reply(403,
            new JsonObject
            {
                ["message"] = "API rate limit exceeded for installation ID 1.",
                ["documentation_url"] = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
            new Dictionary<string, string>
            {
                ["x-ratelimit-limit"] = "5000",
                ["x-ratelimit-remaining"] = "0",
                ["x-ratelimit-used"] = "5000",
                ["x-ratelimit-resource"] = "core",
                ["x-ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>A property that must be a string when present: (present, value, wrong type).</summary>
    private static (bool Present, string? Value, bool Wrong) Text(JsonObject body, string name, bool nullable = false) =>
        body[name] switch
        {
            null when body.ContainsKey(name) => (true, null, !nullable),
            null => (false, null, false),
            JsonValue v when v.TryGetValue(out string? s) => (true, s, false),
            _ => (true, null, true),
        };
}
