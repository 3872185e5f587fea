using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Publishing.GitHub;

/// <summary>
/// The markdown a run shows where it is reviewed (pull-request comment, check run, step summary): the run folder's
/// <see cref="RunReport.Review"/> (verdict, what was removed, the gate table, metrics against the baseline, links to the published
/// run; charts are images from the run's published folder in the user's own blob container, never from a third-party host),
/// under the hidden marker that finds the comment again and within GitHub's size limit.
/// </summary>
public static class PullRequestReport
{
    /// <summary>GitHub's limit on a comment body and a check run's output summary.</summary>
    public const int MaxLength = 65_000;

    /// <summary>The hidden tag that marks the comment of pipeline <paramref name="name"/>, so a later run edits it.</summary>
    public static string Marker(string name) => $"<!-- modelcompress:{name} -->";

    /// <summary>
    /// The report of the run in <paramref name="runDir"/>, linking the <paramref name="published"/> run URLs and the workflow run;
    /// <paramref name="publishFailure"/> says why publishing a passed run failed (copies published before it are still linked).
    /// </summary>
    public static string Markdown(string runDir, IReadOnlyList<string> published, string? runUrl, string? publishFailure = null) =>
        Markdown(RunFolder.Read(runDir), published, runUrl, publishFailure);

    /// <summary>
    /// The report of <paramref name="run"/>: its marker, then <see cref="RunReport.Review"/>, cut to <see cref="MaxLength"/>.
    /// </summary>
    public static string Markdown(RunSummary run, IReadOnlyList<string> published, string? runUrl, string? publishFailure = null) =>
        Truncate(Marker(run.Name) + Environment.NewLine + RunReport.Review(run, published, runUrl, publishFailure), runUrl);

    private static string Truncate(string text, string? runUrl)
    {
        if (text.Length <= MaxLength) return text;
        string where = runUrl is null ? "" : $" ({runUrl})";
        string note = $"\n\n… truncated to GitHub's size limit; the full report is report.md in the run folder{where}.\n";
        return text[..(MaxLength - note.Length)] + note;
    }
}
