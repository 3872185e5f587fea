namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>An issue or pull-request comment as the fake stores it (a snapshot: an update replaces the record).</summary>
public sealed record FakeComment(
    long Id, string Repo, long Issue, string Body, string UserLogin, string UserType, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A check run created through <c>POST /repos/{owner}/{repo}/check-runs</c>, with the fields the request set.</summary>
public sealed record FakeCheckRun(
    long Id, string Repo, string Name, string HeadSha, string Status, string? Conclusion, string? DetailsUrl, string? ExternalId,
    string? Title, string? Summary, string? Text, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

/// <summary>A commit status created through <c>POST /repos/{owner}/{repo}/statuses/{sha}</c>.</summary>
public sealed record FakeStatus(
    long Id, string Repo, string Sha, string State, string? TargetUrl, string? Description, string Context, DateTimeOffset CreatedAt);

/// <summary>
/// One request exactly as the fake received it (after Prism, and after the Enterprise front door when used): the tests
/// read it to see what the client really sent, and to prove that Prism stopped a request before it got here.
/// </summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    /// <summary>Reads a loopback server's request whole: method, path and query, headers (case-insensitive) and UTF-8 body.</summary>
    public static async Task<RecordedRequest> ReadAsync(System.Net.HttpListenerRequest request)
    {
        string body;
        using (var reader = new StreamReader(request.InputStream, System.Text.Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string? name in request.Headers.AllKeys)
            if (name is not null) headers[name] = string.Join(", ", request.Headers.GetValues(name) ?? []);
        return new RecordedRequest(request.HttpMethod, request.RawUrl ?? "/", headers, body);
    }

    public override string ToString() => $"{Method} {PathAndQuery}";
}
