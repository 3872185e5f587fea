using System.Globalization;
using System.Text;
using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Reporting;

/// <summary>The README.md placed in a pruned model's folder: where it came from, what was removed, how it was healed, how it scores.</summary>
public static class ModelCard
{
    public static string Write(RunOutcome run, string? healing)
    {
        var md = new StringBuilder();
        md.AppendLine("---").AppendLine("library_name: transformers").AppendLine("tags: [layer-pruning, modelcompresstool]").AppendLine("---");
        md.AppendLine($"# {run.Name}").AppendLine();
        md.AppendLine($"Layer-pruned from `{run.BaseModel}` by ModelCompressTool {ToolInfo.Version} (method of Lu et al., 2024, \"Reassessing Layer Pruning in LLMs\").").AppendLine();
        foreach (var p in run.Pruning)
            md.AppendLine($"- Removed decoder layers {string.Join(", ", p.RemovedLayers)} by `{p.Method}`: {p.LayersBefore} → {p.LayersAfter} layers, {p.ParametersBefore:N0} → {p.ParametersAfter:N0} parameters.");
        if (healing is not null) md.AppendLine($"- Healed by fine-tuning: {healing}.");
        md.AppendLine($"- Quality gates: {(run.Verdict == Verdict.Passed ? "all passed" : "FAILED")}.").AppendLine();
        md.AppendLine("| metric | baseline | this model |").AppendLine("|---|---|---|");
        foreach (string k in run.Candidate.Values.Keys.Order(StringComparer.Ordinal))
            md.AppendLine($"| {k} | {(run.Baseline.Values.TryGetValue(k, out double b) ? b.ToString("0.####", CultureInfo.InvariantCulture) : "—")} | {run.Candidate.Values[k].ToString("0.####", CultureInfo.InvariantCulture)} |");
        return md.ToString();
    }
}
