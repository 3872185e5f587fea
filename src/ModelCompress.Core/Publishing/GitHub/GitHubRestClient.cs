using System.Net.Http.Headers;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>
/// The few REST calls the publisher makes, over a plain <see cref="HttpClient"/> (<see cref="JsonRestClient"/>'s loop): the
/// headers GitHub documents (<c>Accept: application/vnd.github+json</c>, <c>X-GitHub-Api-Version</c>, a User-Agent, a bearer
/// token), paths appended to the API URL so an Enterprise base path (<c>/api/v3</c>) is kept. Server errors and dropped
/// connections are retried with backoff, a short secondary-rate-limit <c>Retry-After</c> is waited out once; every other
/// failure becomes a <see cref="GitHubException"/> at once.
/// </summary>
public sealed class GitHubRestClient(Uri apiUrl, string token) : JsonRestClient(Http(token))
{
    public const string ApiVersion = "2022-11-28";

    /// <summary>
    /// The longest <c>Retry-After</c> a secondary rate limit may ask for and still be waited out (once per request); a longer
    /// one, or a spent primary limit, fails at once with the reset time.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    protected override Uri Resolve(string path) => new($"{apiUrl.ToString().TrimEnd('/')}/{path.TrimStart('/')}");

    protected override TimeSpan? WaitOutOnce(HttpResponseMessage response) =>
        GitHubException.IsRateLimit(response) && response.Headers.RetryAfter?.Delta is { } wait && wait <= MaxRetryAfter ? wait : null;

    protected override Exception Unreachable(string request, Exception inner) => GitHubException.Unreachable(apiUrl, request, inner);

    protected override Exception Refused(HttpMethod method, string path, HttpResponseMessage response, string body) =>
        GitHubException.FromResponse(method, path, response, body);

    private static HttpClient Http(string token)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", ApiVersion);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(ToolInfo.Name, ToolInfo.Version));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
