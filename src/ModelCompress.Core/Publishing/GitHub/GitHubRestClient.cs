using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>
/// The few REST calls the publisher makes, over a plain <see cref="HttpClient"/>: JSON bodies sent as <c>application/json</c>,
/// the headers GitHub documents (<c>Accept: application/vnd.github+json</c>, <c>X-GitHub-Api-Version</c>, a User-Agent, a
/// bearer token), paths appended to the API URL so an Enterprise base path (<c>/api/v3</c>) is kept. Server errors and
/// dropped connections are retried with backoff, a short secondary-rate-limit <c>Retry-After</c> is waited out once; every
/// other failure becomes a <see cref="GitHubException"/> at once.
/// </summary>
public sealed class GitHubRestClient : IDisposable
{
    public const string ApiVersion = "2022-11-28";
    private readonly HttpClient http;
    private readonly Uri api;

    public GitHubRestClient(Uri apiUrl, string token)
    {
        api = apiUrl;
        http = new HttpClient();
        http.Timeout = TimeSpan.FromSeconds(100);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", ApiVersion);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(ToolInfo.Name, ToolInfo.Version));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Attempts for a request that failed with a 5xx or a dropped connection.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The first backoff delay; doubled after each failed attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest <c>Retry-After</c> a secondary rate limit may ask for and still be waited out (once per request); a longer
    /// one, or a spent primary limit, fails at once with the reset time.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public Task<JsonNode> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode> PostAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonNode> PatchAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, body, ct);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        var uri = new Uri($"{api.ToString().TrimEnd('/')}/{path.TrimStart('/')}");
        string request = $"{method} {uri.AbsolutePath}";
        bool waited = false;
        for (int attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(method, uri);
            if (body is not null) message.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(message, ct);
            }
            catch (Exception e) when (e is HttpRequestException || e is TaskCanceledException && !ct.IsCancellationRequested)
            {
                if (attempt < MaxAttempts) { await Backoff(attempt, ct); continue; }
                throw GitHubException.Unreachable(api, request, e);
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode) return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
                if ((int)response.StatusCode >= 500 && attempt < MaxAttempts) { await Backoff(attempt, ct); continue; }
                if (!waited && GitHubException.IsRateLimit(response) && response.Headers.RetryAfter?.Delta is { } wait
                    && wait <= MaxRetryAfter)
                {
                    waited = true;
                    await Task.Delay(wait, ct);
                    continue;
                }
                throw GitHubException.FromResponse(method, uri.AbsolutePath, response, text);
            }
        }
    }

    private Task Backoff(int attempt, CancellationToken ct) => Task.Delay(RetryDelay * (1 << (attempt - 1)), ct);

    public void Dispose() => http.Dispose();
}
