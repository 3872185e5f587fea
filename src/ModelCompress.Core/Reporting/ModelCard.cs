using System.Text;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// The README.md placed in a pruned model's folder: where it came from, what was removed, how it was healed, how it scores.
/// </summary>
public static class ModelCard
{
    /// <summary>
    /// The card of <paramref name="run"/>'s model, pruned from <paramref name="baseModel"/> and, when it was, healed as
    /// <paramref name="healing"/> says.
    /// </summary>
    public static string Write(RunSummary run, string baseModel, string? healing)
    {
        var md = new StringBuilder();
        md.AppendLine("---").AppendLine("library_name: transformers").AppendLine("tags: [layer-pruning, modelcompresstool]")
          .AppendLine("---");
        md.AppendLine($"# {run.Name}").AppendLine();
        md.AppendLine($"Layer-pruned from `{baseModel}` by ModelCompressTool {ToolInfo.Version} " +
                      "(method of Lu et al., 2024, \"Reassessing Layer Pruning in LLMs\").").AppendLine();
        foreach (var p in run.Pruning)
            md.AppendLine($"- Removed decoder layers {string.Join(", ", p.RemovedLayers)} by `{p.Method}`: " +
                          $"{p.LayersBefore} → {p.LayersAfter} layers, " +
                          $"{p.ParametersBefore:N0} → {p.ParametersAfter:N0} parameters.");
        if (healing is not null) md.AppendLine($"- Healed by fine-tuning: {healing}.");
        md.AppendLine($"- Quality gates: {(run.Passed ? "all passed" : "FAILED")}.").AppendLine();
        md.AppendLine("| metric | baseline | this model |").AppendLine("|---|---|---|");
        foreach (var (k, c) in run.Candidate.OrderBy(m => m.Key, StringComparer.Ordinal))
            md.AppendLine($"| {k} | {RunReport.F(run.Baseline.GetValueOrDefault(k))} | {RunReport.F(c)} |");
        return md.ToString();
    }
}
