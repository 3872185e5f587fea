using System.Text.Json.Nodes;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Where a run was made, for the manifest: the CI system, the commit it built and the URL of the CI run, read from the
/// variables GitHub Actions and Azure Pipelines set. Outside CI there is none (<see cref="Read"/> returns null).
/// </summary>
public sealed record RunProvenance(string System, string? Commit, string? RunUrl)
{
    /// <summary>
    /// GitHub Actions (<c>GITHUB_ACTIONS=true</c>): <c>GITHUB_SHA</c> and
    /// <c>$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID</c>. Azure Pipelines (<c>TF_BUILD=True</c> or
    /// <c>BUILD_BUILDID</c>): <c>BUILD_SOURCEVERSION</c> and
    /// <c>$SYSTEM_COLLECTIONURI$SYSTEM_TEAMPROJECT/_build/results?buildId=$BUILD_BUILDID</c>. A URL is given only when
    /// every variable it is made of is set.
    /// </summary>
    public static RunProvenance? Read(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } value ? value.Trim() : null;
        if (Get("GITHUB_SHA") is not null || Get("GITHUB_ACTIONS") is not null)
        {
            string? url = Get("GITHUB_SERVER_URL") is { } server && Get("GITHUB_REPOSITORY") is { } repo && Get("GITHUB_RUN_ID") is { } id
                ? $"{server.TrimEnd('/')}/{repo}/actions/runs/{id}" : null;
            return new RunProvenance("github-actions", Get("GITHUB_SHA"), url);
        }
        if (Get("BUILD_SOURCEVERSION") is not null || Get("BUILD_BUILDID") is not null || Get("TF_BUILD") is not null)
        {
            string? url = Get("SYSTEM_COLLECTIONURI") is { } collection && Get("SYSTEM_TEAMPROJECT") is { } project
                          && Get("BUILD_BUILDID") is { } build
                ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={build}" : null;
            return new RunProvenance("azure-pipelines", Get("BUILD_SOURCEVERSION"), url);
        }
        return null;
    }

    /// <summary>The manifest's <c>provenance</c> object: system, commit and run_url (those known).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["ci"] = System };
        if (Commit is not null) json["commit"] = Commit;
        if (RunUrl is not null) json["run_url"] = RunUrl;
        return json;
    }
}
