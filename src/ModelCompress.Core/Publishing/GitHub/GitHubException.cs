using System.Globalization;
using System.Net;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>
/// GitHub refused or could not take a report (exit 4). The message names the request, GitHub's own words, what it most likely
/// means and how to fix it; the run folder is left as it was so <c>dotnet compress publish</c> can report again.
/// </summary>
public sealed class GitHubException(string message, HttpStatusCode? status = null, bool rateLimited = false, Exception? inner = null)
    : ModelCompressException(message, FailureKind.PublishFailed, inner)
{
    public HttpStatusCode? Status { get; } = status;

    public bool RateLimited { get; } = rateLimited;

    private const string Retry = "The local run is kept; report again with 'dotnet compress publish RUN_DIR --github'.";

    /// <summary>True when GitHub said the request was over a rate limit (403 or 429 with no requests remaining, or a
    /// retry-after).</summary>
    public static bool IsRateLimit(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        || response.StatusCode == HttpStatusCode.Forbidden
           && (Header(response, "x-ratelimit-remaining") == "0" || response.Headers.RetryAfter is not null);

    public static GitHubException FromResponse(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        string said = JsonRestClient.ServerMessage(body);
        string request = $"{method} {path}";
        int code = (int)response.StatusCode;
        string message = response.StatusCode switch
        {
            _ when IsRateLimit(response) =>
                $"GitHub API rate limit exceeded on {request} ({code} {said}){Reset(response)}: " +
                "wait for the limit to reset, or use a token with a higher limit.",
            HttpStatusCode.Unauthorized =>
                $"GitHub rejected the token on {request} (401 {said}): {GitHubTarget.TokenVariable} is missing, expired or revoked; " +
                "in a workflow pass env: GITHUB_TOKEN: ${{ github.token }}.",
            HttpStatusCode.Forbidden =>
                $"GitHub refused {request} (403 {said}): the token lacks a permission; " +
                "grant pull-requests: write (comments) and checks: write " +
                "(check runs) or statuses: write, in the workflow's permissions block.",
            HttpStatusCode.NotFound =>
                $"GitHub answered 404 on {request} ({said}): the repository, pull request or comment does not exist, " +
                "or the token cannot see it " +
                "(GitHub hides private repositories as 404); check --github-repo/--github-pr and the token's repository access.",
            _ => $"GitHub answered {code} {response.ReasonPhrase} on {request} ({said}).",
        };
        return new GitHubException($"{message} {Retry}", response.StatusCode, IsRateLimit(response));
    }

    public static GitHubException Unreachable(Uri api, string request, Exception inner) =>
        new($"GitHub API {api} could not be reached for {request}: {inner.Message.Split('\n')[0].Trim()}. {Retry}", null, false, inner);

    private static string Reset(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta) return $"; retry after {delta.TotalSeconds:F0} s";
        if (long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long epoch))
            return $"; the {Header(response, "x-ratelimit-resource") ?? "core"} limit resets at " +
                   $"{DateTimeOffset.FromUnixTimeSeconds(epoch):u}";
        return "";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
