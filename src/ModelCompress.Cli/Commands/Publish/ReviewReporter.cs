using ModelCompress.Core.Reporting;
using ModelCompress.Core.Reporting.GitHub;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary>
/// Reports a finished run where it is reviewed: Azure Pipelines logging commands when <c>TF_BUILD</c> is set, and the GitHub
/// pull-request comment, check run and step summary when a <see cref="GitHubTarget"/> was resolved.
/// </summary>
public sealed class ReviewReporter(TextWriter output, Func<string, string?> environment)
{
    /// <summary>Where logging commands go: the output by default; stderr when stdout carries --json.</summary>
    public TextWriter? Commands { get; init; }

    public async Task ReportAsync(string runDir, IReadOnlyList<string> published, GitHubTarget? github, CancellationToken ct)
    {
        if (AzurePipelines.IsActive(environment))
            foreach (string command in AzurePipelines.RunCommands(runDir)) (Commands ?? output).WriteLine(command);
        if (github is null) return;
        var report = await new GitHubPublisher(github).PublishAsync(runDir, published, ct);
        if (report.CommentUrl is not null) output.WriteLine($"github: {(report.CommentEdited ? "edited" : "added")} comment {report.CommentUrl}");
        if (report.CheckRunUrl is not null || report.StatusFallback)
            output.WriteLine(report.StatusFallback
                ? $"github: commit status set on {github.HeadSha} (the token may not write check runs)"
                : $"github: check run {report.CheckRunUrl}");
        if (report.StepSummary) output.WriteLine("github: report appended to the step summary");
    }
}
