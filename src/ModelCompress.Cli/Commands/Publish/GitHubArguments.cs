using System.CommandLine;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary>The options that name a pull request outside GitHub Actions (inside Actions the environment names it).</summary>
public sealed class GitHubArguments
{
    public Option<string?> Repository { get; } = new("--github-repo")
    {
        Description = "Report to this GitHub repository (OWNER/NAME); default: GITHUB_REPOSITORY in GitHub Actions.",
    };
    public Option<int?> PullRequest { get; } = new("--github-pr")
    {
        Description = "Comment on this pull request number; default: the pull request of the Actions event.",
    };
    public Option<string?> Sha { get; } = new("--github-sha")
    {
        Description = "Set the check run on this commit (40 hex digits); default: the pull request's head commit.",
    };
    public Option<string?> ApiUrl { get; } = new("--github-api-url")
    {
        Description = "GitHub API URL; default: GITHUB_API_URL, else https://api.github.com (Enterprise: https://HOST/api/v3).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Repository);
        command.Options.Add(PullRequest);
        command.Options.Add(Sha);
        command.Options.Add(ApiUrl);
    }

    /// <summary>True when any option was given: naming a repository asks for a report.</summary>
    public bool Given(ParseResult parse) =>
        parse.GetValue(Repository) is not null || parse.GetValue(PullRequest) is not null || parse.GetValue(Sha) is not null;

    public GitHubOptions Options(ParseResult parse) =>
        new(parse.GetValue(Repository), parse.GetValue(PullRequest), parse.GetValue(Sha), parse.GetValue(ApiUrl));
}
