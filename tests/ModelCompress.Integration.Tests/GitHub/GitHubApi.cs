namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// A loopback GitHub REST API for contract tests: the stateful <see cref="FakeGitHub"/> behind a Prism proxy that checks
/// every request and every response against GitHub's published description (<c>@octokit/openapi</c>), so a client that
/// passes here sends what GitHub documents and copes with what GitHub documents it answers. <see cref="ApiUrl"/> is the
/// api.github.com-style root; <see cref="EnterpriseApiUrl"/> is an Enterprise-style <c>/api/v3</c> root in front of
/// the same proxy. Started once per test collection ("github") and stopped after. The install is
/// <c>MODELCOMPRESS_PRISM</c> (a folder holding node_modules), else <c>.cache/prism</c> (installed by the build and by
/// <c>.ci/run</c>); a missing install fails the tests, it never skips them.
/// </summary>
public sealed class GitHubApi : IDisposable
{
    private readonly PrismProxy? prism;
    private readonly EnterpriseFrontDoor? frontDoor;

    public GitHubApi()
    {
        string folder = RequireInstall(InstallFolder);
        Fake = new FakeGitHub(PrismProxy.SpecPath(folder));
        try
        {
            prism = new PrismProxy(folder, Fake.Url);
            Fake.ApiBase = prism.Url;
            frontDoor = new EnterpriseFrontDoor(prism.Url);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary><c>MODELCOMPRESS_PRISM</c>, else <c>REPO/.cache/prism</c>.</summary>
    public static string InstallFolder { get; } = Environment.GetEnvironmentVariable("MODELCOMPRESS_PRISM") is { Length: > 0 } env
        ? env : RepoPaths.Of(".cache", "prism");

    /// <summary>Returns <paramref name="folder"/> if Prism and the description are installed in it; throws with the install command if not.</summary>
    public static string RequireInstall(string folder)
    {
        foreach (string required in new[] { PrismProxy.BinaryPath(folder), PrismProxy.SpecPath(folder) })
            if (!File.Exists(required))
                throw new FileNotFoundException(
                    $"Prism is not installed ({required} is missing): run '.ci/install-prism.sh .cache/prism' (or set MODELCOMPRESS_PRISM to a folder holding node_modules).",
                    required);
        return folder;
    }

    /// <summary>The API root a client is given, <c>http://127.0.0.1:PORT</c> (Prism; no trailing slash).</summary>
    public string ApiUrl => Prism.Url;

    /// <summary>An Enterprise-style root, <c>http://127.0.0.1:PORT/api/v3</c>, reaching the same Prism and fake.</summary>
    public string EnterpriseApiUrl => frontDoor!.ApiUrl;

    /// <summary>The token the fake accepts (send it as <c>Authorization: Bearer TOKEN</c>).</summary>
    public string Token => Fake.Token;

    public FakeGitHub Fake { get; }

    /// <summary>How long Prism took to load the description and listen.</summary>
    public TimeSpan PrismStartTime => Prism.StartTime;

    /// <summary>Prism's log lines since it started listening.</summary>
    public IReadOnlyList<string> PrismLog => Prism.Log;

    /// <inheritdoc cref="PrismProxy.MarkLogAsync"/>
    public Task<int> MarkPrismLogAsync() => Prism.MarkLogAsync();

    /// <inheritdoc cref="PrismProxy.ViolationsAsync"/>
    public Task<IReadOnlyList<string>> PrismViolationsAsync(int since = 0, bool errorsOnly = false) => Prism.ViolationsAsync(since, errorsOnly);

    private PrismProxy Prism => prism ?? throw new ObjectDisposedException(nameof(GitHubApi));

    public void Dispose()
    {
        frontDoor?.Dispose();
        prism?.Dispose();
        Fake.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class GitHubCollection : ICollectionFixture<GitHubApi>
{
    public const string Name = "github";
}
