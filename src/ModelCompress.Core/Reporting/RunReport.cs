using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Reporting;

/// <summary>results.json (machine-readable) and report.md (verdict first, then tables and charts) of a run.</summary>
public static class RunReport
{
    public static JsonObject Results(RunOutcome run)
    {
        var keys = run.Baseline.Values.Keys.Union(run.Candidate.Values.Keys).Order(StringComparer.Ordinal).ToList();
        JsonObject Values(MetricValues v) => new(keys.Where(v.Values.ContainsKey).Select(k => KeyValuePair.Create(k, (JsonNode?)Num(v.Values[k]))));
        return new JsonObject
        {
            ["name"] = run.Name,
            ["verdict"] = run.Verdict == Verdict.Passed ? "passed" : "failed",
            ["baseline"] = Values(run.Baseline),
            ["candidate"] = Values(run.Candidate),
            ["deltas"] = new JsonObject(keys.Where(k => run.Baseline.Values.ContainsKey(k) && run.Candidate.Values.ContainsKey(k))
                .Select(k => KeyValuePair.Create(k, (JsonNode?)Num(run.Candidate.Values[k] - run.Baseline.Values[k])))),
            ["evaluations"] = new JsonObject(run.Evaluations.Select(e => KeyValuePair.Create(e.Stage, (JsonNode?)Values(e.Values)))),
            ["gates"] = new JsonArray([.. run.Gates.Select(g => (JsonNode)new JsonObject
            {
                ["metric"] = g.Metric, ["condition"] = g.Condition, ["baseline"] = Num(g.Baseline), ["candidate"] = Num(g.Candidate),
                ["passed"] = g.Passed, ["detail"] = g.Detail,
            })]),
            ["pruning"] = new JsonArray([.. run.Pruning.Select(p => (JsonNode)new JsonObject
            {
                ["method"] = p.Method, ["removed_layers"] = new JsonArray([.. p.RemovedLayers.Select(l => (JsonNode)l)]),
                ["layers_before"] = p.LayersBefore, ["layers_after"] = p.LayersAfter,
                ["parameters_before"] = p.ParametersBefore, ["parameters_after"] = p.ParametersAfter,
            })]),
        };
    }

    public static string Markdown(RunOutcome run)
    {
        var md = new StringBuilder();
        var failed = run.Gates.Where(g => !g.Passed).ToList();
        md.AppendLine(run.Verdict == Verdict.Passed
            ? $"# ✅ PASSED — {run.Name}"
            : $"# ❌ FAILED — {run.Name}: {failed.Count} gate condition{(failed.Count == 1 ? "" : "s")} failed");
        md.AppendLine();
        if (failed.Count > 0)
        {
            foreach (var g in failed) md.AppendLine($"- **{g.Metric}** {g.Condition}: {g.Detail}");
            md.AppendLine().AppendLine("The model was not published.").AppendLine();
        }
        foreach (var p in run.Pruning)
            md.AppendLine($"Removed layers {string.Join(", ", p.RemovedLayers)} ({p.Method}): {p.LayersBefore} → {p.LayersAfter} layers, " +
                          $"{p.ParametersBefore:N0} → {p.ParametersAfter:N0} parameters ({100.0 * (p.ParametersBefore - p.ParametersAfter) / p.ParametersBefore:F1}% fewer).");
        md.AppendLine().AppendLine("## Gates").AppendLine().AppendLine("| metric | condition | baseline | candidate | result | detail |").AppendLine("|---|---|---|---|---|---|");
        foreach (var g in run.Gates) md.AppendLine($"| {g.Metric} | {g.Condition} | {F(g.Baseline)} | {F(g.Candidate)} | {(g.Passed ? "✅ pass" : "❌ fail")} | {g.Detail} |");
        // One column per evaluate stage before the last, so a report shows what pruning cost and what healing won back.
        var earlier = run.Evaluations.SkipLast(1).ToList();
        md.AppendLine().AppendLine("## Metrics").AppendLine()
          .AppendLine($"| metric | baseline | {string.Concat(earlier.Select(e => $"after {e.Stage} | "))}candidate | Δ |")
          .AppendLine($"|---|---|{string.Concat(earlier.Select(_ => "---|"))}---|---|");
        foreach (string k in run.Candidate.Values.Keys.Order(StringComparer.Ordinal))
        {
            double? b = run.Baseline.Values.TryGetValue(k, out double bv) ? bv : null, c = run.Candidate.Values[k];
            string middle = string.Concat(earlier.Select(e => $"{F(e.Values.Values.TryGetValue(k, out double v) ? v : null)} | "));
            md.AppendLine($"| {k} | {F(b)} | {middle}{F(c)} | {(b is null ? "" : Signed(c.Value - b.Value))} |");
        }
        md.AppendLine().AppendLine("## Stages").AppendLine().AppendLine("| stage | type | cached | seconds | peak memory |").AppendLine("|---|---|---|---|---|");
        foreach (var s in run.Stages)
            md.AppendLine($"| {s.Id} | {s.Type} | {(s.Cached ? "yes" : "no")} | {s.Seconds:F1} | {(s.PeakRssBytes > 0 ? $"{s.PeakRssBytes / 1048576.0:F0} MB" : "—")} |");
        md.AppendLine();
        if (run.ScoresFile is not null) md.AppendLine("![layer scores](scores.svg)").AppendLine();
        if (TaskMetrics(run).Count > 0) md.AppendLine("![baseline vs candidate](tasks.svg)").AppendLine();
        md.AppendLine($"Run from {run.Started:u} to {run.Finished:u} with ModelCompressTool {ToolInfo.Version}.");
        return md.ToString();
    }

    /// <summary>The accuracy metrics shown in the baseline-vs-candidate chart.</summary>
    public static List<string> TaskMetrics(RunOutcome run) =>
        run.Candidate.Values.Keys.Where(k => (k.EndsWith(".acc", StringComparison.Ordinal) || k.EndsWith(".acc_norm", StringComparison.Ordinal))
                                             && run.Baseline.Values.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();

    private static JsonNode? Num(double? v) => v is double d && double.IsFinite(d) ? JsonValue.Create(d) : null;
    private static string F(double? v) => v is double d ? d.ToString("0.####", CultureInfo.InvariantCulture) : "—";
    private static string Signed(double v) => (v >= 0 ? "+" : "") + v.ToString("0.####", CultureInfo.InvariantCulture);
}
