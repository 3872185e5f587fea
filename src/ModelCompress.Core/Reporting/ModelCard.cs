using System.Text;
using System.Text.Json.Nodes;
using ModelCompress.Core.Config;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// Where a pruned model came from, as its card tells it: the base model (a Hub id, or the source as pruning.yaml wrote it:
/// never a local cache path), its licence (a Hub licence id; <c>unknown</c> when none is known), the healing data by name,
/// how it was healed, and the licence files that travel with it.
/// </summary>
public sealed record ModelOrigin(string BaseModel, string License, IReadOnlyList<string> Datasets, string? Healing)
{
    /// <summary>True when <see cref="BaseModel"/> is a Hub id (model.id, or the base's config.json), so the card links it.</summary>
    public bool BaseModelOnHub { get; init; }

    /// <summary>For <c>license: other</c>: the licence's name and a link to it (a URL or a file in the folder).</summary>
    public string? LicenseName { get; init; }

    public string? LicenseLink { get; init; }

    /// <summary>The base model's licence and notice files copied into the model folder.</summary>
    public IReadOnlyList<string> LicenceFiles { get; init; } = [];
}

/// <summary>
/// The README.md placed in a pruned model's folder: Hugging Face Hub front matter (base_model, licence, pipeline tag, datasets,
/// evaluation results as model-index), then where it came from, what was removed, how it was healed, how it scores.
/// </summary>
public static class ModelCard
{
    /// <summary>The card of <paramref name="run"/>'s model, made from <paramref name="origin"/>.</summary>
    public static string Write(RunSummary run, ModelOrigin origin)
    {
        var md = new StringBuilder();
        md.Append("---\n").Append(YamlWriter.Write(FrontMatter(run, origin))).Append("---\n");
        md.AppendLine($"# {run.Name}").AppendLine();
        string from = origin.BaseModelOnHub ? $"[{origin.BaseModel}](https://huggingface.co/{origin.BaseModel})" : $"`{origin.BaseModel}`";
        md.AppendLine($"Layer-pruned from {from} by ModelCompressTool {ToolInfo.Version} " +
                      "(method of Lu et al., 2024, \"Reassessing Layer Pruning in LLMs\").").AppendLine();
        foreach (var p in run.Pruning)
            md.AppendLine($"- Removed decoder layers {string.Join(", ", p.RemovedLayers)} by `{p.Method}`: " +
                          $"{p.LayersBefore} → {p.LayersAfter} layers, " +
                          $"{p.ParametersBefore:N0} → {p.ParametersAfter:N0} parameters.");
        if (origin.Healing is not null) md.AppendLine($"- Healed by fine-tuning: {origin.Healing}.");
        md.AppendLine($"- Quality gates: {(run.Passed ? "all passed" : "FAILED")}.");
        md.AppendLine($"- Licence: `{origin.License}`" + (origin.LicenceFiles.Count == 0 ? "."
            : $"; the base model's {string.Join(", ", origin.LicenceFiles.Select(f => $"`{f}`"))} travel with this model."));
        md.AppendLine();
        md.AppendLine("| metric | baseline | this model |").AppendLine("|---|---|---|");
        foreach (var (k, c) in run.Candidate.OrderBy(m => m.Key, StringComparer.Ordinal))
            md.AppendLine($"| {k} | {RunReport.F(run.Baseline.GetValueOrDefault(k))} | {RunReport.F(c)} |");
        return md.ToString();
    }

    /// <summary>
    /// The card's metadata as the Hub reads it. <c>base_model_relation</c> is <c>finetune</c>: the Hub documents adapter,
    /// merge, quantized and finetune, and a pruned, healed model is a modified copy of the base's weights.
    /// </summary>
    public static JsonObject FrontMatter(RunSummary run, ModelOrigin origin)
    {
        var json = new JsonObject
        {
            ["base_model"] = origin.BaseModel,
            ["base_model_relation"] = "finetune",
            ["license"] = origin.License,
        };
        if (origin.LicenseName is not null) json["license_name"] = origin.LicenseName;
        if (origin.LicenseLink is not null) json["license_link"] = origin.LicenseLink;
        json["pipeline_tag"] = "text-generation";
        json["library_name"] = "transformers";
        json["tags"] = new JsonArray("layer-pruning", "modelcompresstool", "llama");
        if (origin.Datasets.Count > 0) json["datasets"] = new JsonArray([.. origin.Datasets.Select(d => (JsonNode)d)]);
        var results = ModelIndex.Results(run);
        if (results.Count > 0) json["model-index"] = new JsonArray(new JsonObject { ["name"] = run.Name, ["results"] = results });
        return json;
    }
}
