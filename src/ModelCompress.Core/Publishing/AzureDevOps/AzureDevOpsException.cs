using System.Net;

namespace ModelCompress.Core.Publishing.AzureDevOps;

/// <summary>
/// Azure DevOps refused or could not take the pull-request thread (exit 4). The message names the request, Azure DevOps' own
/// words, what it most likely means and how to fix it; the run folder is left as it was.
/// </summary>
public sealed class AzureDevOpsException(string message, HttpStatusCode? status = null, Exception? inner = null)
    : ModelCompressException(message, FailureKind.PublishFailed, inner)
{
    /// <summary>The HTTP status Azure DevOps answered with; null when it could not be reached.</summary>
    public HttpStatusCode? Status { get; } = status;

    private const string Retry = "The local run is kept; report again with 'dotnet compress publish RUN_DIR' in the job, or re-run it.";

    /// <summary>The failure of <paramref name="method"/> <paramref name="path"/>, explained by its status and body.</summary>
    public static AzureDevOpsException FromResponse(HttpMethod method, string path, HttpResponseMessage response, string body)
    {
        string said = JsonRestClient.ServerMessage(body);
        string request = $"{method} {path}";
        int code = (int)response.StatusCode;
        string message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.NonAuthoritativeInformation or HttpStatusCode.Redirect =>
                $"Azure DevOps rejected the token on {request} ({code} {said}): {AzureDevOpsTarget.TokenVariable} is missing or " +
                "expired; map it into the step with env: SYSTEM_ACCESSTOKEN: $(System.AccessToken).",
            HttpStatusCode.Forbidden =>
                $"Azure DevOps refused {request} (403 {said}): the build service identity may not comment; grant it " +
                "'Contribute to pull requests' on the repository (Project settings > Repositories > Security).",
            HttpStatusCode.NotFound =>
                $"Azure DevOps answered 404 on {request} ({said}): the project, repository or pull request does not exist or the " +
                "token cannot see it; check SYSTEM_TEAMPROJECT, BUILD_REPOSITORY_ID and SYSTEM_PULLREQUEST_PULLREQUESTID.",
            _ => $"Azure DevOps answered {code} {response.ReasonPhrase} on {request} ({said}).",
        };
        return new AzureDevOpsException($"{message} {Retry}", response.StatusCode);
    }

    /// <summary>The collection could not be reached at all (DNS, TLS, a dropped connection after the retries).</summary>
    public static AzureDevOpsException Unreachable(Uri collection, string request, Exception inner) =>
        new($"Azure DevOps {collection} could not be reached for {request}: {inner.Message.Split('\n')[0].Trim()}. {Retry}", null, inner);
}
