using System.Security.Cryptography;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// A stateful stand-in for the few GitHub REST operations the pull-request publisher uses (list/create/update issue
/// comments, create a check run, create a commit status), on a free 127.0.0.1 port. It sits behind Prism, which checks
/// every request and response against GitHub's published description; the fake supplies what a description cannot:
/// state (a created comment is listed and can be updated), authentication, GitHub's own validation rules, and the
/// failures a real token meets (no <c>checks: write</c>, rate limits, 5xx). Everything is in memory; repositories exist
/// only once <see cref="NewRepository"/> registered them, and in a registered repository every issue number exists (the
/// fake does not tell issues from pull requests: both take comments the same way on GitHub).
/// </summary>
public sealed partial class FakeGitHub : IDisposable
{
    /// <summary>The author of every comment, check run and status created through the API: what <c>GITHUB_TOKEN</c> posts as.</summary>
    public const string BotLogin = "github-actions[bot]";

    public const string DocumentationUrl = "https://docs.github.com/rest";

    private readonly object gate = new();
    private readonly GitHubSpec spec;
    private readonly LoopbackHttpServer server;
    private readonly Dictionary<string, string> repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeComment> comments = [];
    private readonly List<FakeCheckRun> checkRuns = [];
    private readonly List<FakeStatus> statuses = [];
    private readonly List<RecordedRequest> requests = [];
    private readonly Queue<Failure> failures = new();
    private readonly Dictionary<string, long> userIds = new(StringComparer.OrdinalIgnoreCase) { [BotLogin] = 41898282 };
    // Real ids outgrew Int32 long ago; starting above it catches a client that stores them in an int.
    private long lastCommentId = 3_000_000_000;
    private long lastCheckRunId = 40_000_000_000;
    private long lastStatusId = 50_000_000_000;
    private int repositoryCount;
    private volatile bool checksWritable = true;
    private volatile bool rateLimited;

    /// <param name="specPath">GitHub's <c>api.github.com.json</c>: the responses are built from its examples.</param>
    /// <param name="token">The only token accepted; a fresh random installation-style token by default.</param>
    public FakeGitHub(string specPath, string? token = null)
    {
        spec = GitHubSpec.Load(specPath);
        Token = token ?? "ghs_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
        server = new LoopbackHttpServer(Handle);
    }

    /// <summary>The fake's own address (<c>http://127.0.0.1:PORT</c>); clients should go through Prism instead.</summary>
    public string Url => server.Url;

    /// <summary>The token the fake accepts, as <c>Authorization: Bearer TOKEN</c>.</summary>
    public string Token { get; }

    /// <summary>
    /// The API root written into response URLs (<c>url</c>, <c>issue_url</c>, <c>Location</c>, <c>Link</c>):
    /// <c>https://api.github.com</c> unless the fixture points it at Prism so that those URLs can be followed.
    /// </summary>
    public string ApiBase { get; set; } = "https://api.github.com";

    /// <summary>False answers check-run creation with 403 "Resource not accessible by integration", like a <c>GITHUB_TOKEN</c> without <c>checks: write</c>.</summary>
    public bool ChecksWritable { get => checksWritable; set => checksWritable = value; }

    /// <summary>True answers every authenticated request with GitHub's primary rate-limit 403 (<c>x-ratelimit-remaining: 0</c>).</summary>
    public bool RateLimited { get => rateLimited; set => rateLimited = value; }

    /// <summary>
    /// The next <paramref name="count"/> requests that reach the fake (before authentication) answer
    /// <paramref name="status"/> with a GitHub error body carrying <paramref name="message"/> and the given headers, e.g.
    /// 429 with <c>retry-after</c>, or 500. Requests Prism rejects never reach the fake and use none of them.
    /// </summary>
    public void FailNext(int status, string message, IReadOnlyDictionary<string, string>? headers = null, int count = 1)
    {
        // Prism treats an upstream 501 as "not implemented" and answers with a mock instead: the client would never see it.
        if (status is < 400 or > 599 or 501) throw new ArgumentOutOfRangeException(nameof(status), status, "an error status other than 501");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var failure = new Failure(status, message, headers ?? new Dictionary<string, string>());
        lock (gate)
            for (int i = 0; i < count; i++) failures.Enqueue(failure);
    }

    /// <summary>Back to a healthy GitHub: checks writable, not rate limited, no pending <see cref="FailNext"/> failures.</summary>
    public void ClearFaults()
    {
        ChecksWritable = true;
        RateLimited = false;
        lock (gate) failures.Clear();
    }

    /// <summary>Registers a new, empty repository and returns its unique <c>owner/name</c>.</summary>
    public string NewRepository()
    {
        lock (gate)
        {
            string repo = $"mc-owner{++repositoryCount}/model-repo-{repositoryCount}";
            repositories[repo] = repo;
            return repo;
        }
    }

    /// <summary>A comment written by someone else (a user unless the login ends in <c>[bot]</c>), e.g. to fill pages before the client's own.</summary>
    public FakeComment SeedComment(string repo, int issue, string body, string userLogin = "someone")
    {
        lock (gate)
        {
            string canonical = repositories.GetValueOrDefault(repo) ?? throw new ArgumentException($"{repo} is not a registered repository", nameof(repo));
            return AddComment(canonical, issue, body, userLogin);
        }
    }

    /// <summary>The comments of one issue or pull request, oldest first.</summary>
    public IReadOnlyList<FakeComment> Comments(string repo, int issue)
    {
        lock (gate) return comments.Where(c => Same(c.Repo, repo) && c.Issue == issue).ToList();
    }

    public IReadOnlyList<FakeCheckRun> CheckRuns(string repo)
    {
        lock (gate) return checkRuns.Where(c => Same(c.Repo, repo)).ToList();
    }

    public IReadOnlyList<FakeStatus> Statuses(string repo)
    {
        lock (gate) return statuses.Where(s => Same(s.Repo, repo)).ToList();
    }

    /// <summary>Every request the fake received, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (gate) return requests.ToList(); }
    }

    /// <summary>The received requests whose path is under <c>/repos/{repo}/</c>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string repo) =>
        Requests.Where(r => r.PathAndQuery.StartsWith($"/repos/{repo}/", StringComparison.OrdinalIgnoreCase)).ToList();

    public void Dispose() => server.Dispose();

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>GitHub's timestamps have whole seconds; so do the fake's, so a record equals what its JSON said.</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private FakeComment AddComment(string repo, int issue, string body, string userLogin)
    {
        var now = Now();
        string type = userLogin.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User";
        var comment = new FakeComment(++lastCommentId, repo, issue, body, userLogin, type, now, now);
        comments.Add(comment);
        return comment;
    }

    private long UserId(string login)
    {
        if (!userIds.TryGetValue(login, out long id)) userIds[login] = id = 1_000_000 + userIds.Count;
        return id;
    }

    private sealed record Failure(int Status, string Message, IReadOnlyDictionary<string, string> Headers);
}
