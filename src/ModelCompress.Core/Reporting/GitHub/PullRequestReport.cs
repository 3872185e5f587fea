using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Reporting.GitHub;

/// <summary>
/// The markdown a run shows where it is reviewed (pull-request comment, check run, step summary), built from the run folder's
/// results.json: verdict, what was removed, the gate table, metrics against the baseline, and links to the published run. Charts
/// are images from the run's published folder in the user's own blob container (the published run URLs), never from a
/// third-party host; an unpublished run shows no charts.
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
    public static string Markdown(string runDir, IReadOnlyList<string> published, string? runUrl, string? publishFailure = null)
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(runDir, "results.json")))!;
        string name = results["name"]!.GetValue<string>();
        bool passed = results["verdict"]?.GetValue<string>() == "passed";
        var gates = results["gates"]?.AsArray() ?? [];
        int failed = gates.Count(g => g!["passed"]?.GetValue<bool>() != true);
        var md = new StringBuilder();
        md.AppendLine(Marker(name));
        string plural = gates.Count == 1 ? "" : "s";
        md.AppendLine(!passed ? $"### ❌ {name}: {failed} of {gates.Count} quality gate{plural} failed"
            : publishFailure is null ? $"### ✅ {name}: passed all {gates.Count} quality gate{plural}"
            : $"### ⚠️ {name}: passed all {gates.Count} quality gate{plural}, but publishing failed");
        md.AppendLine();
        if (passed && publishFailure is not null) md.AppendLine($"Publishing failed: {publishFailure}").AppendLine();
        foreach (var p in results["pruning"]?.AsArray() ?? [])
        {
            string layers = string.Join(", ", p!["removed_layers"]?.AsArray().Select(l => l!.GetValue<int>()) ?? []);
            md.Append($"Removed layers {layers} ({p["method"]})");
            if (p["parameters_before"]?.GetValue<long>() is long before && p["parameters_after"]?.GetValue<long>() is long after && before > 0)
                md.Append($": {p["layers_before"]} → {p["layers_after"]} layers, {before:N0} → {after:N0} parameters ({F(100.0 * (before - after) / before, "0.0")}% fewer)");
            md.AppendLine(".");
        }
        md.AppendLine().AppendLine("| gate | condition | baseline | candidate | result |").AppendLine("|---|---|---|---|---|");
        foreach (var g in gates)
            md.AppendLine($"| {Cell(g!["metric"])} | {Cell(g["condition"])} | {Num(g["baseline"])} | {Num(g["candidate"])} | " +
                          $"{(g["passed"]?.GetValue<bool>() == true ? "✅ pass" : $"❌ {Cell(g["detail"])}")} |");
        var baseline = results["baseline"]?.AsObject() ?? [];
        var candidate = results["candidate"]?.AsObject() ?? [];
        md.AppendLine().AppendLine("<details><summary>Metrics against the unpruned baseline</summary>").AppendLine();
        md.AppendLine("| metric | baseline | candidate | Δ |").AppendLine("|---|---|---|---|");
        foreach (var (key, value) in candidate.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var b = baseline[key];
            string delta = b is null || value is null ? "" : Signed(value.GetValue<double>() - b.GetValue<double>());
            md.AppendLine($"| {key} | {Num(b)} | {Num(value)} | {delta} |");
        }
        md.AppendLine().AppendLine("</details>").AppendLine();
        if (published.Count > 0)
        {
            string first = published[0].TrimEnd('/');
            foreach (string url in published)
            {
                string u = url.TrimEnd('/');
                md.AppendLine($"Published to `{u}/`: [report.md]({u}/report.md) · [results.json]({u}/results.json) · [manifest.json]({u}/manifest.json) · [model config]({u}/model/config.json)");
            }
            md.AppendLine();
            if (File.Exists(Path.Combine(runDir, "scores.svg"))) md.AppendLine($"![layer scores]({first}/scores.svg)");
            if (File.Exists(Path.Combine(runDir, "tasks.svg"))) md.AppendLine($"![baseline vs candidate]({first}/tasks.svg)");
            md.AppendLine();
        }
        else if (publishFailure is null) md.AppendLine(passed ? "No published copy is linked: this command had no publish targets (publish.targets or --target)." : "Not published: a model that fails its gates is never published.").AppendLine();
        md.Append(runUrl is null ? "" : $"[Workflow run]({runUrl}) · ").AppendLine($"ModelCompressTool {ToolInfo.Version}");
        return Truncate(md.ToString(), runUrl);
    }

    private static string Truncate(string text, string? runUrl)
    {
        if (text.Length <= MaxLength) return text;
        string note = $"\n\n… truncated to GitHub's size limit; the full report is report.md in the run folder{(runUrl is null ? "" : $" ({runUrl})")}.\n";
        return text[..(MaxLength - note.Length)] + note;
    }

    // A table cell: a '|' in a gate's text would end the cell.
    private static string Cell(JsonNode? v) => (v?.ToString() ?? "").Replace("|", "\\|", StringComparison.Ordinal);

    private static string Num(JsonNode? v) => v is null ? "—" : F(v.GetValue<double>(), "0.####");
    private static string Signed(double v) => (v >= 0 ? "+" : "") + F(v, "0.####");
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
