using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// The GitHub fixture itself, driven through Prism by a plain HttpClient sending what a real client sends: the contract
/// tests of the publisher are only as good as the fake's state, faults and Prism's checks shown here.
/// </summary>
[Collection(GitHubCollection.Name)]
public sealed class GitHubApiFixtureTests(GitHubApi api, ITestOutputHelper output) : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private readonly HttpClient http = new();
    private readonly string repo = api.Fake.NewRepository();

    public void Dispose()
    {
        api.Fake.ClearFaults();
        http.Dispose();
    }

    private sealed record Answer(HttpStatusCode Status, HttpResponseMessage Response, string Text)
    {
        public JsonNode Json => JsonNode.Parse(Text)!;
        public string? Header(string name) =>
            Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;
        public override string ToString() => $"{(int)Status} {Text}";
    }

    private async Task<Answer> Send(HttpMethod method, string path, string? body = null, string? token = null, bool enterprise = false)
    {
        using var request = new HttpRequestMessage(method, (enterprise ? api.EnterpriseApiUrl : api.ApiUrl) + path);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.ParseAdd("ModelCompressTool-tests/0.1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? api.Token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        return new Answer(response.StatusCode, response, await response.Content.ReadAsStringAsync());
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Comment_CreateListUpdate_RoundTripsThroughPrism_AndTheFakeRecordsWhatWasSent(bool enterprise)
    {
        var created = await Send(HttpMethod.Post, $"/repos/{repo}/issues/7/comments", """{"body":"hello **world**"}""", enterprise: enterprise);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        var stored = Assert.Single(api.Fake.Comments(repo, 7));
        Assert.True(stored.Id > int.MaxValue);
        Assert.Equal(("hello **world**", FakeGitHub.BotLogin, "Bot"), (stored.Body, stored.UserLogin, stored.UserType));
        var json = created.Json;
        Assert.Equal(stored.Id, json["id"]!.GetValue<long>());
        Assert.Equal("hello **world**", json["body"]!.GetValue<string>());
        Assert.Equal(("github-actions[bot]", "Bot"), (json["user"]!["login"]!.GetValue<string>(), json["user"]!["type"]!.GetValue<string>()));
        Assert.Equal(Iso(stored.CreatedAt), json["created_at"]!.GetValue<string>());
        // Response URLs point at Prism (the fixture's ApiUrl), so a client may follow them.
        Assert.Equal($"{api.ApiUrl}/repos/{repo}/issues/comments/{stored.Id}", created.Header("Location"));
        Assert.Equal(created.Header("Location"), json["url"]!.GetValue<string>());
        Assert.Equal($"https://github.com/{repo}/issues/7#issuecomment-{stored.Id}", json["html_url"]!.GetValue<string>());

        var listed = await Send(HttpMethod.Get, $"/repos/{repo}/issues/7/comments?per_page=100&page=1", enterprise: enterprise);
        Assert.True(listed.Status == HttpStatusCode.OK, listed.ToString());
        var item = Assert.Single(listed.Json.AsArray())!;
        Assert.Equal((stored.Id, "hello **world**"), (item["id"]!.GetValue<long>(), item["body"]!.GetValue<string>()));
        Assert.Null(listed.Header("Link"));

        var updated = await Send(HttpMethod.Patch, $"/repos/{repo}/issues/comments/{stored.Id}", """{"body":"edited ✓"}""", enterprise: enterprise);
        Assert.True(updated.Status == HttpStatusCode.OK, updated.ToString());
        Assert.Equal((stored.Id, "edited ✓"), (updated.Json["id"]!.GetValue<long>(), updated.Json["body"]!.GetValue<string>()));
        Assert.Equal("edited ✓", Assert.Single(api.Fake.Comments(repo, 7)).Body);
        Assert.Empty(api.Fake.Comments(repo, 8));

        var received = api.Fake.RequestsTo(repo);
        Assert.Equal(
            [$"POST /repos/{repo}/issues/7/comments", $"GET /repos/{repo}/issues/7/comments?per_page=100&page=1", $"PATCH /repos/{repo}/issues/comments/{stored.Id}"],
            received.Select(r => r.ToString()));
        Assert.Equal(["""{"body":"hello **world**"}""", "", """{"body":"edited ✓"}"""], received.Select(r => r.Body));
        Assert.All(received, r => Assert.Equal(
            ($"Bearer {api.Token}", "application/vnd.github+json", "2022-11-28", "ModelCompressTool-tests/0.1"),
            (r.Header("Authorization"), r.Header("Accept"), r.Header("X-GitHub-Api-Version"), r.Header("User-Agent"))));
        Assert.StartsWith("application/json", received[0].Header("Content-Type"));
    }

    [Fact]
    public async Task InvalidRequestBody_IsRefusedByPrismWith422_AndNeverReachesTheFake()
    {
        var answer = await Send(HttpMethod.Post, $"/repos/{repo}/issues/3/comments", """{"bodyx":"hi"}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Request body must have required property 'body'", answer.Json["validation"]![0]!["message"]!.GetValue<string>());
        Assert.Empty(api.Fake.RequestsTo(repo));
        Assert.Empty(api.Fake.Comments(repo, 3));
    }

    [Theory]
    [InlineData("ghs_wrong")]
    [InlineData("")]
    public async Task WrongOrMissingToken_Is401WithGitHubsBody(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{api.ApiUrl}/repos/{repo}/issues/1/comments")
        {
            Content = new StringContent("""{"body":"x"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(api.Fake.Comments(repo, 1));
        Assert.Single(api.Fake.RequestsTo(repo));
    }

    [Fact]
    public async Task UnknownRepositoryAndUnknownRoute_Are404WithGitHubsBody()
    {
        var unknownRepo = await Send(HttpMethod.Get, "/repos/nobody/nothing/issues/1/comments");
        var unknownComment = await Send(HttpMethod.Patch, $"/repos/{repo}/issues/comments/12345", """{"body":"x"}""");

        foreach (var answer in new[] { unknownRepo, unknownComment })
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            Assert.Equal("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""", answer.Text);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CheckRun_IsCreatedWithEveryField(bool enterprise)
    {
        var body = new JsonObject
        {
            ["name"] = "dotnet compress", ["head_sha"] = Sha, ["status"] = "completed", ["conclusion"] = "success",
            ["completed_at"] = "2026-11-28T10:00:00Z", ["details_url"] = "https://ci.example.com/runs/42",
            ["output"] = new JsonObject { ["title"] = "PASSED", ["summary"] = "5 of 5 gates passed", ["text"] = "| gate | value |\n|---|---|" },
        };
        var answer = await Send(HttpMethod.Post, $"/repos/{repo}/check-runs", body.ToJsonString(), enterprise: enterprise);

        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        var run = Assert.Single(api.Fake.CheckRuns(repo));
        Assert.Equal(
            ("dotnet compress", Sha, "completed", "success", "https://ci.example.com/runs/42", "PASSED", "5 of 5 gates passed", "| gate | value |\n|---|---|"),
            (run.Name, run.HeadSha, run.Status, run.Conclusion, run.DetailsUrl, run.Title, run.Summary, run.Text));
        Assert.Equal(DateTimeOffset.Parse("2026-11-28T10:00:00Z", CultureInfo.InvariantCulture), run.CompletedAt);
        var json = answer.Json;
        Assert.Equal((run.Id, "completed", "success", "2026-11-28T10:00:00Z", "PASSED"),
            (json["id"]!.GetValue<long>(), json["status"]!.GetValue<string>(), json["conclusion"]!.GetValue<string>(),
                json["completed_at"]!.GetValue<string>(), json["output"]!["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ChecksNotWritable_CheckRunIs403_AndACommitStatusStillWorks()
    {
        api.Fake.ChecksWritable = false;
        var refused = await Send(HttpMethod.Post, $"/repos/{repo}/check-runs", $$"""{"name":"dotnet compress","head_sha":"{{Sha}}"}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("Resource not accessible by integration", refused.Json["message"]!.GetValue<string>());
        Assert.Empty(api.Fake.CheckRuns(repo));

        var status = await Send(HttpMethod.Post, $"/repos/{repo}/statuses/{Sha}",
            """{"state":"failure","target_url":"https://ci.example.com/runs/42","description":"2 of 5 gates failed","context":"dotnet-compress"}""");
        Assert.True(status.Status == HttpStatusCode.Created, status.ToString());
        var stored = Assert.Single(api.Fake.Statuses(repo));
        Assert.Equal((Sha, "failure", "https://ci.example.com/runs/42", "2 of 5 gates failed", "dotnet-compress"),
            (stored.Sha, stored.State, stored.TargetUrl, stored.Description, stored.Context));
        Assert.Equal((stored.Id, "failure", "dotnet-compress", FakeGitHub.BotLogin),
            (status.Json["id"]!.GetValue<long>(), status.Json["state"]!.GetValue<string>(), status.Json["context"]!.GetValue<string>(),
                status.Json["creator"]!["login"]!.GetValue<string>()));
        Assert.Equal($"{api.ApiUrl}/repos/{repo}/statuses/{Sha}", status.Header("Location"));
    }

    [Fact]
    public async Task RateLimited_EveryRequestIs403WithRateLimitHeaders()
    {
        api.Fake.RateLimited = true;
        var answer = await Send(HttpMethod.Get, $"/repos/{repo}/issues/1/comments");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal(("5000", "0", "5000", "core"),
            (answer.Header("x-ratelimit-limit"), answer.Header("x-ratelimit-remaining"), answer.Header("x-ratelimit-used"), answer.Header("x-ratelimit-resource")));
        long reset = long.Parse(answer.Header("x-ratelimit-reset")!, CultureInfo.InvariantCulture);
        Assert.InRange(reset - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3700);
        Assert.Equal("API rate limit exceeded for installation ID 1.", answer.Json["message"]!.GetValue<string>());

        api.Fake.RateLimited = false;
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/repos/{repo}/issues/1/comments")).Status);
    }

    [Fact]
    public async Task FailNext_FailsExactlyThatManyRequests_WithTheGivenStatusAndHeaders()
    {
        api.Fake.FailNext(429, "You have exceeded a secondary rate limit.", new Dictionary<string, string> { ["retry-after"] = "1" });
        api.Fake.FailNext(500, "Server Error");

        var first = await Send(HttpMethod.Post, $"/repos/{repo}/issues/2/comments", """{"body":"a"}""");
        var second = await Send(HttpMethod.Post, $"/repos/{repo}/issues/2/comments", """{"body":"a"}""");
        var third = await Send(HttpMethod.Post, $"/repos/{repo}/issues/2/comments", """{"body":"a"}""");

        Assert.Equal((HttpStatusCode.TooManyRequests, "1", "You have exceeded a secondary rate limit."),
            (first.Status, first.Header("retry-after"), first.Json["message"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.InternalServerError, "Server Error"), (second.Status, second.Json["message"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Created, third.Status);
        Assert.Single(api.Fake.Comments(repo, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => api.Fake.FailNext(501, "Prism would mock this"));
    }

    [Fact]
    public async Task Pagination_150SeededComments_Page2Of100Has50_AscendingById()
    {
        var seeded = Enumerable.Range(1, 150).Select(i => api.Fake.SeedComment(repo, 5, $"unrelated {i}")).ToList();

        var page1 = await Send(HttpMethod.Get, $"/repos/{repo}/issues/5/comments?per_page=100&page=1");
        var page2 = await Send(HttpMethod.Get, $"/repos/{repo}/issues/5/comments?per_page=100&page=2");
        var page3 = await Send(HttpMethod.Get, $"/repos/{repo}/issues/5/comments?per_page=100&page=3");
        var defaults = await Send(HttpMethod.Get, $"/repos/{repo}/issues/5/comments");

        Assert.True(page1.Status == HttpStatusCode.OK, page1.ToString());
        long[] Ids(Answer a) => a.Json.AsArray().Select(c => c!["id"]!.GetValue<long>()).ToArray();
        Assert.Equal(seeded.Take(100).Select(c => c.Id), Ids(page1));
        Assert.Equal(seeded.Skip(100).Select(c => c.Id), Ids(page2));
        Assert.Empty(Ids(page3));
        Assert.Equal(seeded.Take(30).Select(c => c.Id), Ids(defaults));
        Assert.Equal(("unrelated 101", "someone", "User"),
            (page2.Json[0]!["body"]!.GetValue<string>(), page2.Json[0]!["user"]!["login"]!.GetValue<string>(), page2.Json[0]!["user"]!["type"]!.GetValue<string>()));
        string pages = $"{api.ApiUrl}/repos/{repo}/issues/5/comments?per_page=100&page=";
        Assert.Equal($"<{pages}2>; rel=\"next\", <{pages}2>; rel=\"last\"", page1.Header("Link"));
        Assert.Equal($"<{pages}1>; rel=\"prev\", <{pages}1>; rel=\"first\"", page2.Header("Link"));
    }

    [Fact]
    public async Task GitHubRulesBeyondTheSchema_LongCommentAndLongStatusDescription_Are422()
    {
        var longComment = await Send(HttpMethod.Post, $"/repos/{repo}/issues/4/comments",
            new JsonObject { ["body"] = new string('x', FakeGitHub.MaxCommentLength + 1) }.ToJsonString());
        var longDescription = await Send(HttpMethod.Post, $"/repos/{repo}/statuses/{Sha}",
            new JsonObject { ["state"] = "success", ["description"] = new string('d', FakeGitHub.MaxStatusDescriptionLength + 1) }.ToJsonString());
        var fits = await Send(HttpMethod.Post, $"/repos/{repo}/issues/4/comments",
            new JsonObject { ["body"] = new string('x', FakeGitHub.MaxCommentLength) }.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, longComment.Status);
        Assert.Equal("Body is too long (maximum is 65536 characters)", longComment.Json["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longDescription.Status);
        Assert.Equal("description is too long (maximum is 140 characters)", longDescription.Json["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, fits.Status);
        Assert.Single(api.Fake.Comments(repo, 4));
        Assert.Empty(api.Fake.Statuses(repo));
    }

    [Fact]
    public async Task ValidCalls_LeaveNoViolationInPrismsLog_AnInvalidOneDoes()
    {
        int mark = await api.MarkPrismLogAsync();
        var created = await Send(HttpMethod.Post, $"/repos/{repo}/issues/9/comments", """{"body":"report"}""");
        long id = created.Json["id"]!.GetValue<long>();
        await Send(HttpMethod.Get, $"/repos/{repo}/issues/9/comments?per_page=100&page=1");
        await Send(HttpMethod.Patch, $"/repos/{repo}/issues/comments/{id}", """{"body":"report v2"}""");
        await Send(HttpMethod.Post, $"/repos/{repo}/check-runs",
            $$$"""{"name":"dotnet compress","head_sha":"{{{Sha}}}","conclusion":"failure","output":{"title":"FAILED","summary":"gate failed"}}""");
        await Send(HttpMethod.Post, $"/repos/{repo}/statuses/{Sha}", """{"state":"pending","context":"dotnet-compress"}""");
        await Send(HttpMethod.Get, $"/repos/{repo}/issues/9/comments", enterprise: true);

        Assert.Equal(6, api.Fake.RequestsTo(repo).Count);
        Assert.Empty(await api.PrismViolationsAsync(mark));

        int second = await api.MarkPrismLogAsync();
        await Send(HttpMethod.Post, $"/repos/{repo}/statuses/{Sha}", """{"state":"great"}""");
        var errors = await api.PrismViolationsAsync(second, errorsOnly: true);
        Assert.Contains($"post /repos/{repo}/statuses/{Sha}", Assert.Single(errors));
        output.WriteLine($"Prism started in {api.PrismStartTime.TotalSeconds:F1} s; warnings and errors so far:");
        foreach (string line in await api.PrismViolationsAsync()) output.WriteLine(line);
    }

    [Fact]
    public void MissingInstall_FailsWithTheInstallCommand()
    {
        using var empty = new TempFolder("mc-no-prism-");
        var error = Assert.Throws<FileNotFoundException>(() => GitHubApi.RequireInstall(empty));
        Assert.Contains("run '.ci/install-prism.sh .cache/prism' (or set MODELCOMPRESS_PRISM", error.Message);
        Assert.Equal(PrismProxy.BinaryPath(empty), error.FileName);
        Assert.Equal(GitHubApi.InstallFolder, GitHubApi.RequireInstall(GitHubApi.InstallFolder));
    }

    [Fact]
    public async Task EnterpriseFrontDoor_OnlyServesApiV3()
    {
        string origin = api.EnterpriseApiUrl[..^EnterpriseFrontDoor.Prefix.Length];
        using var response = await http.GetAsync($"{origin}/repos/{repo}/issues/1/comments");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""", await response.Content.ReadAsStringAsync());
        Assert.Empty(api.Fake.RequestsTo(repo));
    }
}
