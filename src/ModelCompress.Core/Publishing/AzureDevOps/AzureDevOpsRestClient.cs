using System.Net;
using System.Net.Http.Headers;

namespace ModelCompress.Core.Publishing.AzureDevOps;

/// <summary>
/// The few Azure DevOps REST calls the thread publisher makes, over a plain <see cref="HttpClient"/> (<see cref="JsonRestClient"/>'s
/// loop): paths relative to the collection URL (a server's virtual directory is kept), <c>api-version</c> on every request, JSON
/// bodies, the job's OAuth token as a bearer token. Server errors and dropped connections are retried with backoff; every other
/// failure, and the 203 sign-in page Azure DevOps answers a bad token with, becomes an <see cref="AzureDevOpsException"/> at once.
/// </summary>
public sealed class AzureDevOpsRestClient(Uri collectionUrl, string token) : JsonRestClient(Http(token))
{
    protected override Uri Resolve(string path) =>
        new(collectionUrl, $"{path.TrimStart('/')}?api-version={AzureDevOpsTarget.ApiVersion}");

    // A 203 is the sign-in page a bad token gets, not an answer.
    protected override bool Succeeded(HttpResponseMessage response) =>
        response.StatusCode is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous and not HttpStatusCode.NonAuthoritativeInformation;

    protected override Exception Unreachable(string request, Exception inner) =>
        AzureDevOpsException.Unreachable(collectionUrl, request, inner);

    protected override Exception Refused(HttpMethod method, string path, HttpResponseMessage response, string body) =>
        AzureDevOpsException.FromResponse(method, path, response, body);

    private static HttpClient Http(string token)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(ToolInfo.Name, ToolInfo.Version));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
