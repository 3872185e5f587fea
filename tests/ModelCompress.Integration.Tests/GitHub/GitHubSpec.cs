using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// The response examples of GitHub's published REST API description (<c>components.examples</c> of
/// <c>@octokit/openapi</c>'s <c>api.github.com.json</c>) that the fake GitHub answers with. Starting from GitHub's own
/// examples and changing only the fields the fake owns (ids, bodies, URLs, times) keeps every response valid against the
/// same schemas Prism checks, including the many required fields a client never reads.
/// </summary>
public sealed class GitHubSpec
{
    /// <summary>The 201/200 example of "create an issue comment" and "update an issue comment".</summary>
    public const string IssueCommentExample = "issue-comment";
    /// <summary>The 200 example of "list issue comments" (an array of one comment).</summary>
    public const string IssueCommentItemsExample = "issue-comment-items";
    /// <summary>One of the two 201 examples of "create a check run" (the other is <c>check-run-example-of-in-progress-conclusion</c>).</summary>
    public const string CheckRunExample = "check-run-example-of-completed-conclusion";
    /// <summary>The 201 example of "create a commit status".</summary>
    public const string StatusExample = "status";

    private readonly Dictionary<string, JsonNode> examples;

    private GitHubSpec(Dictionary<string, JsonNode> examples) => this.examples = examples;

    public static GitHubSpec Load(string specPath)
    {
        using var stream = File.OpenRead(specPath);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        var all = document.RootElement.GetProperty("components").GetProperty("examples");
        var found = new Dictionary<string, JsonNode>();
        foreach (string name in new[] { IssueCommentExample, IssueCommentItemsExample, CheckRunExample, StatusExample })
        {
            if (!all.TryGetProperty(name, out var example) || !example.TryGetProperty("value", out var value))
                throw new InvalidDataException($"{specPath} has no components.examples.{name}.value; the fake GitHub builds its responses from it.");
            found[name] = JsonNode.Parse(value.GetRawText())!;
        }
        return new GitHubSpec(found);
    }

    /// <summary>A fresh copy of one example's value (callers change it freely).</summary>
    public JsonObject Object(string name) => (JsonObject)examples[name].DeepClone();

    /// <summary>A fresh copy of the first item of an array example.</summary>
    public JsonObject FirstItem(string name) => (JsonObject)examples[name].AsArray()[0]!.DeepClone();
}
