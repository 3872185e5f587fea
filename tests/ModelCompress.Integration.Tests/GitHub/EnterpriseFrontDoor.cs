using System.Net;
using System.Text;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// GitHub Enterprise Server serves the REST API under <c>/api/v3</c>; Prism knows only api.github.com's paths. This
/// loopback front door strips the prefix and forwards to Prism, so a client configured with an Enterprise URL is checked
/// by the same description. It forwards the method, the body and the headers a GitHub client sends, and copies the
/// status, headers and body back; any path outside <c>/api/v3</c> is GitHub's 404.
/// </summary>
public sealed class EnterpriseFrontDoor : IDisposable
{
    public const string Prefix = "/api/v3";

    private static readonly string[] ForwardedHeaders = ["Authorization", "Accept", "X-GitHub-Api-Version", "User-Agent"];
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Content-Type", "Date", "Server" };

    private readonly string target;
    private readonly HttpClient client = new(new SocketsHttpHandler
        { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        { Timeout = TimeSpan.FromSeconds(60) };
    private readonly LoopbackHttpServer server;

    /// <param name="target">Where the stripped requests go (Prism), <c>http://host:port</c>.</param>
    public EnterpriseFrontDoor(string target)
    {
        this.target = target;
        server = new LoopbackHttpServer(Forward);
    }

    /// <summary><c>http://127.0.0.1:PORT/api/v3</c>: what a client is given as its Enterprise API root.</summary>
    public string ApiUrl => server.Url + Prefix;

    private async Task Forward(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string raw = request.RawUrl ?? "/";
        if (!(raw == Prefix || raw.StartsWith(Prefix + "/", StringComparison.Ordinal) || raw.StartsWith(Prefix + "?", StringComparison.Ordinal)))
        {
            byte[] notFound = Encoding.UTF8.GetBytes("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}");
            response.StatusCode = 404;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength64 = notFound.Length;
            await response.OutputStream.WriteAsync(notFound);
            return;
        }
        string rest = raw[Prefix.Length..];
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), target + (rest.StartsWith('/') ? rest : "/" + rest));
        foreach (string name in ForwardedHeaders)
            if (request.Headers[name] is { } value) forward.Headers.TryAddWithoutValidation(name, value);
        if (request.HasEntityBody)
        {
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            forward.Content = new ByteArrayContent(body.ToArray());
            if (request.ContentType is { } type) forward.Content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        using var answer = await client.SendAsync(forward, HttpCompletionOption.ResponseContentRead);
        response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            if (!HopByHop.Contains(name))
                foreach (string value in values) response.Headers.Add(name, value);
        byte[] bytes = await answer.Content.ReadAsByteArrayAsync();
        if (answer.Content.Headers.ContentType is { } contentType) response.ContentType = contentType.ToString();
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    public void Dispose()
    {
        server.Dispose();
        client.Dispose();
    }
}
