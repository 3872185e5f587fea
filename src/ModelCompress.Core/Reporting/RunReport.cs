using System.Globalization;
using System.Text;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// The markdown of a run, in two forms that share their parts (pruning lines, gate rows, the metrics table): report.md in
/// the run folder (verdict first, then gates, metrics after every evaluate stage, stages and charts) and the review that a
/// pull-request comment, check run and step summary show (verdict, gates, metrics folded away, links to the published copies).
/// Both show each metric's n and ± standard error where the evaluation recorded them, say whether a change is better or worse,
/// and warn under the verdict about any accuracy within two standard errors of chance.
/// </summary>
public static class RunReport
{
    /// <summary>report.md of the run.</summary>
    public static string Markdown(RunSummary run)
    {
        var md = new StringBuilder();
        var failed = run.FailedGates;
        md.AppendLine(run.Passed
            ? $"# ✅ PASSED — {run.Name}"
            : $"# ❌ FAILED — {run.Name}: {failed.Count} gate condition{(failed.Count == 1 ? "" : "s")} failed");
        md.AppendLine();
        if (failed.Count > 0)
        {
            foreach (var g in failed) md.AppendLine($"- **{g.Metric}** {g.Condition}: {g.Detail}");
            md.AppendLine().AppendLine("The model was not published.").AppendLine();
        }
        Warnings(md, run);
        Removals(md, run.Pruning, CultureInfo.CurrentCulture);
        md.AppendLine().AppendLine("## Gates").AppendLine();
        Header(md, "metric", "condition", "n", "baseline", "candidate", "result", "detail");
        foreach (var g in run.Gates) Row(md, [.. GateValues(run, g, text => text), g.Passed ? "✅ pass" : "❌ fail", g.Detail]);
        md.AppendLine().AppendLine("## Metrics").AppendLine();
        // One column per evaluate stage before the last, so a report shows what pruning cost and what healing won back.
        Metrics(md, run, run.Evaluations.SkipLast(1).ToList());
        md.AppendLine().AppendLine("## Stages").AppendLine();
        Header(md, "stage", "type", "cached", "seconds", "peak memory");
        foreach (var s in run.Stages)
            Row(md, s.Id, s.Type, s.Cached ? "yes" : "no", s.Seconds.ToString("F1", CultureInfo.CurrentCulture),
                s.PeakRssBytes > 0 ? $"{s.PeakRssBytes / 1048576.0:F0} MB" : "—");
        md.AppendLine();
        if (run.Charts.Contains(RunSummary.ScoresChart)) md.AppendLine("![layer scores](scores.svg)").AppendLine();
        if (run.Charts.Contains(RunSummary.TasksChart)) md.AppendLine("![baseline vs candidate](tasks.svg)").AppendLine();
        md.AppendLine($"Run from {run.Started:u} to {run.Finished:u} with ModelCompressTool {ToolInfo.Version}.");
        return md.ToString();
    }

    /// <summary>
    /// The review of the run, linking the <paramref name="published"/> run URLs (charts come from the first, in the user's own
    /// container; an unpublished run shows none) and the workflow run; <paramref name="publishFailure"/> says why publishing a
    /// passed run failed.
    /// </summary>
    public static string Review(RunSummary run, IReadOnlyList<string> published, string? runUrl, string? publishFailure)
    {
        var md = new StringBuilder();
        int gates = run.Gates.Count;
        string plural = gates == 1 ? "" : "s";
        md.AppendLine(!run.Passed ? $"### ❌ {run.Name}: {run.FailedGates.Count} of {gates} quality gate{plural} failed"
            : publishFailure is null ? $"### ✅ {run.Name}: passed all {gates} quality gate{plural}"
            : $"### ⚠️ {run.Name}: passed all {gates} quality gate{plural}, but publishing failed");
        md.AppendLine();
        if (run.Passed && publishFailure is not null) md.AppendLine($"Publishing failed: {publishFailure}").AppendLine();
        Warnings(md, run);
        Removals(md, run.Pruning, CultureInfo.InvariantCulture);
        md.AppendLine();
        Header(md, "gate", "condition", "n", "baseline", "candidate", "result");
        foreach (var g in run.Gates) Row(md, [.. GateValues(run, g, Cell), g.Passed ? "✅ pass" : $"❌ {Cell(g.Detail)}"]);
        md.AppendLine().AppendLine("<details><summary>Metrics against the unpruned baseline</summary>").AppendLine();
        Metrics(md, run, []);
        md.AppendLine().AppendLine("</details>").AppendLine();
        if (published.Count > 0)
        {
            string first = published[0].TrimEnd('/');
            foreach (string u in published.Select(url => url.TrimEnd('/')))
                md.AppendLine($"Published to `{u}/`: [report.md]({u}/report.md) · [results.json]({u}/results.json) · " +
                              $"[manifest.json]({u}/manifest.json) · [model config]({u}/model/config.json)");
            md.AppendLine();
            if (run.Charts.Contains(RunSummary.ScoresChart)) md.AppendLine($"![layer scores]({first}/{RunSummary.ScoresChart})");
            if (run.Charts.Contains(RunSummary.TasksChart)) md.AppendLine($"![baseline vs candidate]({first}/{RunSummary.TasksChart})");
            md.AppendLine();
        }
        else if (publishFailure is null)
            md.AppendLine(run.Passed ? "No published copy is linked: this command had no publish targets (publish.targets or --target)."
                : "Not published: a model that fails its gates is never published.").AppendLine();
        md.Append(runUrl is null ? "" : $"[Workflow run]({runUrl}) · ").AppendLine($"ModelCompressTool {ToolInfo.Version}");
        return md.ToString();
    }

    // The percentage follows report.md's culture, or the review's invariant one, as each has always been written.
    private static void Removals(StringBuilder md, IEnumerable<PruningSummary> pruning, IFormatProvider percent)
    {
        foreach (var p in pruning)
        {
            md.Append($"Removed layers {string.Join(", ", p.RemovedLayers)} ({p.Method})");
            if (p.ParametersBefore > 0)
            {
                double fewer = 100.0 * (p.ParametersBefore - p.ParametersAfter) / p.ParametersBefore;
                md.Append($": {p.LayersBefore} → {p.LayersAfter} layers, {p.ParametersBefore:N0} → {p.ParametersAfter:N0} parameters " +
                          $"({fewer.ToString("0.0", percent)}% fewer)");
            }
            md.AppendLine(".");
        }
    }

    // Accuracies at chance: a broken model passes a loose gate quietly otherwise.
    private static void Warnings(StringBuilder md, RunSummary run)
    {
        foreach (string warning in run.ChanceWarnings) md.AppendLine($"- {warning}");
        if (run.ChanceWarnings.Count > 0) md.AppendLine();
    }

    private static string[] GateValues(RunSummary run, GateVerdict g, Func<string, string> text) =>
    [
        text(g.Metric), text(g.Condition), N(run, g.Metric),
        Stderr(g.Baseline, run.BaselineStats, g.Metric), Stderr(g.Candidate, run.CandidateStats, g.Metric),
    ];

    // Candidate metrics against the baseline, with a column for each of the earlier evaluations.
    private static void Metrics(StringBuilder md, RunSummary run, IReadOnlyList<StageMetrics> earlier)
    {
        Header(md, ["metric", "n", "baseline", .. earlier.Select(e => $"after {e.Stage}"), "candidate", "Δ"]);
        foreach (var (k, c) in run.Candidate.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            double? b = run.Baseline.GetValueOrDefault(k);
            string delta = b is null || c is null ? "" : Delta(k, c.Value - b.Value);
            Row(md, [k, N(run, k), Stderr(b, run.BaselineStats, k), .. earlier.Select(e => F(e.Values.GetValueOrDefault(k))),
                Stderr(c, run.CandidateStats, k), delta]);
        }
    }

    // The items (or windows) a metric was measured on; "72 / 70" when baseline and candidate differ.
    private static string N(RunSummary run, string metric)
    {
        int? b = run.BaselineStats.GetValueOrDefault(metric)?.N, c = run.CandidateStats.GetValueOrDefault(metric)?.N;
        string Count(int? n) => n is int v && v > 0 ? v.ToString(CultureInfo.InvariantCulture) : "";
        return b is null || c is null || b == c ? Count(b ?? c) : $"{Count(b)} / {Count(c)}";
    }

    private static string Stderr(double? value, IReadOnlyDictionary<string, MetricStats> stats, string metric) =>
        value is double v ? MetricStats.WithStderr(v, stats.GetValueOrDefault(metric)) : F(value);

    // A change with its direction: lower is better for perplexities and bits per byte, higher for accuracies.
    private static string Delta(string metric, double change)
    {
        if (change == 0) return Signed(change);
        bool lower = change < 0;
        string direction = metric == "parameters" ? lower ? "fewer" : "more"
            : lower == GateEvaluator.LowerIsBetter(metric) ? "better" : "worse";
        return $"{Signed(change)} ({direction})";
    }

    private static void Header(StringBuilder md, params string[] header)
    {
        Row(md, header);
        md.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
    }

    private static void Row(StringBuilder md, params string[] cells) => md.AppendLine($"| {string.Join(" | ", cells)} |");

    // A table cell: a '|' in a gate's text would end the cell.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>A metric as every report shows it: up to four decimals, invariant, "—" when absent.</summary>
    internal static string F(double? v) => v is double d ? d.ToString("0.####", CultureInfo.InvariantCulture) : "—";

    private static string Signed(double v) => (v >= 0 ? "+" : "") + F(v);
}
