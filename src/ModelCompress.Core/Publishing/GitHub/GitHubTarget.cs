using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>What the command line says about GitHub; each value overrides what the Actions environment says.</summary>
public sealed record GitHubOptions(string? Repository = null, int? PullRequest = null, string? Sha = null, string? ApiUrl = null);

/// <summary>
/// Where a run reports on GitHub: the API (github.com or an Enterprise server's <c>https://HOST/api/v3</c>), the repository, the
/// pull request (for the comment) and the commit (for the check run), the token, and the Actions run to link to. Resolved from
/// explicit options first, then from the GitHub Actions environment (<c>GITHUB_REPOSITORY</c>, the event payload at
/// <c>GITHUB_EVENT_PATH</c>, <c>GITHUB_API_URL</c>, <c>GITHUB_SERVER_URL</c>, <c>GITHUB_RUN_ID</c>); the token only ever comes from
/// <c>GITHUB_TOKEN</c>, never from the command line, so it stays out of process listings and logs.
/// </summary>
public sealed partial record GitHubTarget(Uri ApiUrl, string Owner, string Repository, int? PullRequest, string? HeadSha, string Token,
    string? RunUrl, string? StepSummaryPath)
{
    public const string TokenVariable = "GITHUB_TOKEN";

    public string FullName => $"{Owner}/{Repository}";

    /// <summary>
    /// The target for this run, or null when the run belongs to no repository (not in Actions and no <c>--github-repo</c>).
    /// Throws <see cref="InvalidInputException"/> (exit 2, before any work) when the target is incomplete: a malformed repository
    /// name, a pull request without a commit, no token for a repository named on the command line (inside Actions without a token,
    /// <paramref name="warn"/> is told and the result is null).
    /// </summary>
    public static GitHubTarget? Resolve(GitHubOptions options, Func<string, string?> environment, Action<string>? warn = null)
    {
        bool actions = string.Equals(environment("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);
        string? repository = options.Repository ?? (actions ? Blank(environment("GITHUB_REPOSITORY")) : null);
        if (repository is null)
        {
            if (options.PullRequest is not null || options.Sha is not null)
                throw new InvalidInputException(
                    "--github-pr and --github-sha need --github-repo OWNER/NAME (or the GitHub Actions environment).");
            return null;
        }
        if (!RepositoryName().IsMatch(repository))
            throw new InvalidInputException($"GitHub repository '{repository}' is not OWNER/NAME (letters, digits, '-', '_', '.').");
        var payload = actions ? EventPayload(environment("GITHUB_EVENT_PATH")) : null;
        var pullRequest = payload?["pull_request"];
        int? number = options.PullRequest ?? pullRequest?["number"]?.GetValue<int>();
        string? sha = options.Sha ?? pullRequest?["head"]?["sha"]?.GetValue<string>()
                      ?? (actions ? Blank(environment("GITHUB_SHA")) : null);
        if (number is not null && sha is null)
            throw new InvalidInputException($"pull request #{number} needs the head commit: pass --github-sha SHA.");
        if (sha is not null && !Sha().IsMatch(sha))
            throw new InvalidInputException($"'{sha}' is not a commit SHA (40 hexadecimal digits).");
        string? token = Blank(environment(TokenVariable));
        if (token is null)
        {
            string missing = $"reporting to GitHub repository {repository} needs a token in {TokenVariable} " +
                             "(in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, " +
                             "with permissions pull-requests: write and checks: write)";
            // Named on the command line: an error before any work. Merely running inside Actions: a warning, and no report.
            if (options.Repository is not null) throw new InvalidInputException(missing + ".");
            warn?.Invoke($"{missing}; not reporting to GitHub (set publish.github: false to silence this).");
            return null;
        }
        string api = options.ApiUrl ?? Blank(environment("GITHUB_API_URL")) ?? "https://api.github.com";
        if (!Uri.TryCreate(api, UriKind.Absolute, out var apiUrl) || apiUrl.Scheme is not ("https" or "http"))
            throw new InvalidInputException($"GitHub API URL '{api}' is not an http(s) URL " +
                                            "(github.com: https://api.github.com; Enterprise: https://HOST/api/v3).");
        string? runUrl = actions && Blank(environment("GITHUB_RUN_ID")) is { } runId
            ? $"{(Blank(environment("GITHUB_SERVER_URL")) ?? "https://github.com").TrimEnd('/')}/{repository}/actions/runs/{runId}"
            : null;
        string[] parts = repository.Split('/');
        return new GitHubTarget(apiUrl, parts[0], parts[1], number, sha?.ToLowerInvariant(), token, runUrl,
            actions ? Blank(environment("GITHUB_STEP_SUMMARY")) : null);
    }

    /// <summary>Hides the token: records print their properties, and this one must never reach a log.</summary>
    public override string ToString() =>
        $"{FullName}{(PullRequest is { } n ? $"#{n.ToString(CultureInfo.InvariantCulture)}" : "")}" +
        $"{(HeadSha is { } s ? $"@{s[..7]}" : "")} via {ApiUrl.ToString().TrimEnd('/')}";

    private static JsonNode? EventPayload(string? path)
    {
        if (Blank(path) is not { } file || !File.Exists(file)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(file));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidInputException($"GITHUB_EVENT_PATH {file} is not JSON: {e.Message}");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")]
    private static partial Regex RepositoryName();

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex Sha();
}
