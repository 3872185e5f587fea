using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Publishing;

/// <summary>
/// The request loop the pull-request publishers share (GitHub, Azure DevOps): JSON bodies as <c>application/json</c>, server
/// errors and dropped connections retried with a doubling backoff, an optional wait the service asks for taken once per
/// request, and every other failure turned into the service's own exception at once. A subclass configures the
/// <see cref="HttpClient"/> (headers, token), maps a path to its URL and names its failures.
/// </summary>
public abstract class JsonRestClient(HttpClient http) : IDisposable
{
    /// <summary>Attempts for a request that failed with a 5xx or a dropped connection.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The first backoff delay; doubled after each failed attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public Task<JsonNode> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode> PostAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonNode> PatchAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Patch, path, body, ct);

    /// <summary>The URL of a path relative to the service's base (which keeps any base path of its own).</summary>
    protected abstract Uri Resolve(string path);

    /// <summary>Whether a response is the answer asked for.</summary>
    protected virtual bool Succeeded(HttpResponseMessage response) => response.IsSuccessStatusCode;

    /// <summary>A wait the failed response asks for that may be waited out (once per request) before trying again; null: none.</summary>
    protected virtual TimeSpan? WaitOutOnce(HttpResponseMessage response) => null;

    /// <summary>The service could not be reached for <paramref name="request"/> after the retries.</summary>
    protected abstract Exception Unreachable(string request, Exception inner);

    /// <summary>The service refused <paramref name="method"/> <paramref name="path"/>, explained by its status and body.</summary>
    protected abstract Exception Refused(HttpMethod method, string path, HttpResponseMessage response, string body);

    /// <summary>What a service said in an error body: its JSON <c>message</c>, else the body's first 200 characters.</summary>
    public static string ServerMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>() is { Length: > 0 } m ? m : "no message";
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length == 0 ? "no message" : body[..Math.Min(body.Length, 200)];
        }
        catch (InvalidOperationException)
        {
            return "no message";
        }
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        var uri = Resolve(path);
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
                throw Unreachable(request, e);
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync(ct);
                if (Succeeded(response)) return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
                if ((int)response.StatusCode >= 500 && attempt < MaxAttempts) { await Backoff(attempt, ct); continue; }
                if (!waited && WaitOutOnce(response) is { } wait)
                {
                    waited = true;
                    await Task.Delay(wait, ct);
                    continue;
                }
                throw Refused(method, uri.AbsolutePath, response, text);
            }
        }
    }

    private Task Backoff(int attempt, CancellationToken ct) => Task.Delay(RetryDelay * (1 << (attempt - 1)), ct);

    public void Dispose()
    {
        http.Dispose();
        GC.SuppressFinalize(this);
    }
}
