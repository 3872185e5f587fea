using ModelCompress.Core.Reporting;
using ModelCompress.Core.Reporting.GitHub;
using ModelCompress.Core.Storage;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary>
/// Reports a finished run where it is reviewed: Azure Pipelines logging commands when <c>TF_BUILD</c> is set (on the error
/// stream, which the agent reads like the output, so stdout stays clean for --json), and the GitHub pull-request comment,
/// check run and step summary when a <see cref="GitHubTarget"/> was resolved.
/// </summary>
public sealed class ReviewReporter(TextWriter output, TextWriter error, Func<string, string?> environment)
{
    private readonly bool azurePipelines = AzurePipelines.IsActive(environment);

    /// <summary>
    /// Publishes a passed run to blob storage, then reports it; when publishing fails the review still learns why (a failing
    /// check) before the <see cref="PublishException"/> (exit 4) goes on.
    /// </summary>
    public async Task PublishThenReportAsync(Func<Task> publish, string runDir, GitHubTarget? github, CancellationToken ct)
    {
        try
        {
            await publish();
        }
        catch (PublishException e)
        {
            try { await ReportAsync(runDir, github, ct, e.Message); }
            catch (GitHubException g) { Warn(g.Message); }
            throw;
        }
        await ReportAsync(runDir, github, ct);
    }

    /// <summary>A warning on stderr, and in Azure Pipelines also as a logged warning issue.</summary>
    public void Warn(string message)
    {
        error.WriteLine($"warning: {message}");
        if (azurePipelines) error.WriteLine(AzurePipelines.LogIssue("warning", message));
    }

    /// <summary>Reports the run in <paramref name="runDir"/>, linking every published copy its published.json records.</summary>
    public async Task ReportAsync(string runDir, GitHubTarget? github, CancellationToken ct, string? publishFailure = null)
    {
        if (azurePipelines)
            foreach (string command in AzurePipelines.RunCommands(runDir)) error.WriteLine(command);
        if (github is null) return;
        var report = await new GitHubPublisher(github).PublishAsync(runDir, PublishedRecord.Read(runDir), ct, publishFailure);
        if (report.CommentUrl is not null) output.WriteLine($"github: {(report.CommentEdited ? "edited" : "added")} comment {report.CommentUrl}");
        if (report.CheckRunUrl is not null || report.StatusFallback)
            output.WriteLine(report.StatusFallback
                ? $"github: commit status set on {github.HeadSha} (the token may not write check runs)"
                : $"github: check run {report.CheckRunUrl}");
        if (report.StepSummary) output.WriteLine("github: report appended to the step summary");
    }
}
