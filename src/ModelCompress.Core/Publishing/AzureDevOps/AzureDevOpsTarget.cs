using System.Globalization;

namespace ModelCompress.Core.Publishing.AzureDevOps;

/// <summary>
/// The Azure Repos pull request a run in an Azure Pipelines pull-request build reports to, read from the variables the agent
/// sets: <c>SYSTEM_COLLECTIONURI</c> (<c>https://dev.azure.com/ORG/</c> or a server's collection URL), <c>SYSTEM_TEAMPROJECT</c>,
/// <c>BUILD_REPOSITORY_ID</c>, <c>SYSTEM_PULLREQUEST_PULLREQUESTID</c>, and the job's OAuth token <c>SYSTEM_ACCESSTOKEN</c>,
/// which a step only sees when it maps it (<c>env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)</c>).
/// </summary>
public sealed record AzureDevOpsTarget(Uri Collection, string Project, string RepositoryId, int PullRequest, string Token,
    string? RunUrl, string? PullRequestUrl)
{
    public const string TokenVariable = "SYSTEM_ACCESSTOKEN";

    /// <summary>The REST API version every request names.</summary>
    public const string ApiVersion = "7.1";

    /// <summary>
    /// The target of this job, or null when it reports to no Azure Repos pull request: not Azure Pipelines, not a pull-request
    /// build, a repository hosted elsewhere (a GitHub repository's pull request is GitHub's), or no token mapped into the step
    /// (<paramref name="warn"/> is told how to map it). A pull-request build missing one of the other variables is invalid input.
    /// </summary>
    public static AzureDevOpsTarget? Resolve(Func<string, string?> environment, Action<string>? warn = null)
    {
        if (!AzurePipelines.IsActive(environment)) return null;
        if (Blank(environment("SYSTEM_PULLREQUEST_PULLREQUESTID")) is not { } id) return null;
        string provider = Blank(environment("BUILD_REPOSITORY_PROVIDER")) ?? "TfsGit";
        if (!provider.Equals("TfsGit", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number <= 0)
            throw new InvalidInputException($"SYSTEM_PULLREQUEST_PULLREQUESTID '{id}' is not a pull request number.");
        string collection = Required(environment, "SYSTEM_COLLECTIONURI");
        if (!Uri.TryCreate(collection.TrimEnd('/') + "/", UriKind.Absolute, out var collectionUri)
            || collectionUri.Scheme is not ("https" or "http"))
            throw new InvalidInputException($"SYSTEM_COLLECTIONURI '{collection}' is not an http(s) URL " +
                                            "(Azure DevOps Services: https://dev.azure.com/ORGANIZATION/).");
        string project = Blank(environment("SYSTEM_TEAMPROJECT")) ?? Required(environment, "SYSTEM_TEAMPROJECTID");
        string repository = Required(environment, "BUILD_REPOSITORY_ID");
        if (Blank(environment(TokenVariable)) is not { } token)
        {
            warn?.Invoke($"commenting on pull request {number} needs the job's token: add env: {TokenVariable}: $(System.AccessToken) " +
                         "to the step that runs dotnet compress; not commenting.");
            return null;
        }
        string root = collectionUri.ToString() + Uri.EscapeDataString(project);
        string? runUrl = Blank(environment("BUILD_BUILDID")) is { } build ? $"{root}/_build/results?buildId={build}" : null;
        string? prUrl = Blank(environment("BUILD_REPOSITORY_NAME")) is { } name
            ? $"{root}/_git/{Uri.EscapeDataString(name)}/pullrequest/{number.ToString(CultureInfo.InvariantCulture)}"
            : null;
        return new AzureDevOpsTarget(collectionUri, project, repository, number, token, runUrl, prUrl);
    }

    /// <summary>The pull request's threads endpoint, relative to <see cref="Collection"/>, without the api-version.</summary>
    public string ThreadsPath =>
        $"{Uri.EscapeDataString(Project)}/_apis/git/repositories/{Uri.EscapeDataString(RepositoryId)}/pullRequests/" +
        $"{PullRequest.ToString(CultureInfo.InvariantCulture)}/threads";

    /// <summary>Hides the token: records print their properties, and this one must never reach a log.</summary>
    public override string ToString() =>
        $"{Collection}{Project} pull request {PullRequest.ToString(CultureInfo.InvariantCulture)} (repository {RepositoryId})";

    private static string Required(Func<string, string?> environment, string name) =>
        Blank(environment(name)) ?? throw new InvalidInputException(
            $"{name} is not set: an Azure Pipelines pull-request build sets it; outside the agent set it by hand or unset " +
            "SYSTEM_PULLREQUEST_PULLREQUESTID.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
