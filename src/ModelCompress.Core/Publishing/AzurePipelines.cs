using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Publishing;

/// <summary>
/// Azure Pipelines logging commands (<c>##vso[area.action properties]message</c>, read by the agent from the step's output):
/// one error per failed gate, so the build's summary lists them, and the run's report.md uploaded as the build summary.
/// Messages are escaped as the agent unescapes them ('%' → %AZP25, ';' → %3B, CR → %0D, LF → %0A, ']' → %5D).
/// </summary>
public static class AzurePipelines
{
    /// <summary>True inside an Azure Pipelines job (the agent sets <c>TF_BUILD=True</c>).</summary>
    public static bool IsActive(Func<string, string?> environment) =>
        string.Equals(environment("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase);

    public static string LogIssue(string type, string message) => $"##vso[task.logissue type={type}]{Escape(message)}";

    public static string UploadSummary(string markdownPath) => $"##vso[task.uploadsummary]{Escape(Path.GetFullPath(markdownPath))}";

    /// <summary>The commands for a finished run folder: an error per failed gate, then the report as the build summary.</summary>
    public static IEnumerable<string> RunCommands(string runDir)
    {
        var run = RunFolder.Read(runDir);
        foreach (var gate in run.FailedGates)
            yield return LogIssue("error", $"{run.Name}: quality gate {gate.Metric} {gate.Condition} failed: {gate.Detail}");
        string report = Path.Combine(runDir, RunFolder.ReportFile);
        if (File.Exists(report)) yield return UploadSummary(report);
    }

    public static string Escape(string text) => text
        .Replace("%", "%AZP25", StringComparison.Ordinal)
        .Replace(";", "%3B", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal)
        .Replace("]", "%5D", StringComparison.Ordinal);
}
