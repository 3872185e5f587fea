using ModelCompress.Core.Publishing;
using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary>
/// Prints what publishing and reporting did: results on the output, warnings and Azure Pipelines logging commands on the
/// error stream (which the agent reads like the output), so stdout stays clean for --json.
/// </summary>
public sealed class ConsolePublishLog(TextWriter output, TextWriter error) : IPublishLog
{
    public void Published(PublishResult result) =>
        output.WriteLine($"published: {result.Run}/ ({result.Files} files){(result.LatestUpdated ? ", latest.json updated" : "")}");

    public void Reported(GitHubReport report, GitHubTarget target)
    {
        if (report.CommentUrl is not null)
            output.WriteLine($"github: {(report.CommentEdited ? "edited" : "added")} comment {report.CommentUrl}");
        if (report.CheckRunUrl is not null || report.StatusFallback)
            output.WriteLine(report.StatusFallback
                ? $"github: commit status set on {target.HeadSha} (the token may not write check runs)"
                : $"github: check run {report.CheckRunUrl}");
        if (report.StepSummary) output.WriteLine("github: report appended to the step summary");
    }

    public void Reported(AzureDevOpsReport report, AzureDevOpsTarget target) =>
        output.WriteLine($"azure devops: {(report.Edited ? "edited" : "added")} thread {report.ThreadId} on pull request " +
                         $"{target.PullRequest} ({report.Status}){(report.Url is null ? "" : $" {report.Url}")}");

    public void AgentCommand(string command) => error.WriteLine(command);

    public void Warning(string message) => error.WriteLine($"warning: {message}");
}
