using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Publishing.AzureDevOps;

/// <summary>
/// The few Azure DevOps REST calls the thread publisher makes, over a plain <see cref="HttpClient"/>: paths relative to the
/// collection URL (a server's virtual directory is kept), <c>api-version</c> on every request, JSON bodies, the job's OAuth token
/// as a bearer token. Server errors and dropped connections are retried with backoff; every other failure, and the 203
/// sign-in page Azure DevOps answers a bad token with, becomes an <see cref="AzureDevOpsException"/> at once.
/// </summary>
public sealed class AzureDevOpsRestClient : IDisposable
{
    private readonly HttpClient http;
    private readonly Uri collection;

    public AzureDevOpsRestClient(Uri collectionUrl, string token)
    {
        collection = collectionUrl;
        http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(ToolInfo.Name, ToolInfo.Version));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Attempts for a request that failed with a 5xx or a dropped connection.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The first backoff delay; doubled after each failed attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public Task<JsonNode> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode> PostAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonNode> PatchAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, body, ct);

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        var uri = new Uri(collection, $"{path.TrimStart('/')}?api-version={AzureDevOpsTarget.ApiVersion}");
        string request = $"{method} {uri.AbsolutePath}";
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
                throw AzureDevOpsException.Unreachable(collection, request, e);
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous
                    and not HttpStatusCode.NonAuthoritativeInformation)
                    return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
                if ((int)response.StatusCode >= 500 && attempt < MaxAttempts) { await Backoff(attempt, ct); continue; }
                throw AzureDevOpsException.FromResponse(method, uri.AbsolutePath, response, text);
            }
        }
    }

    private Task Backoff(int attempt, CancellationToken ct) => Task.Delay(RetryDelay * (1 << (attempt - 1)), ct);

    public void Dispose() => http.Dispose();
}
