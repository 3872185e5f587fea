using System.Text.Json.Nodes;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline.Stages;

namespace ModelCompress.Core.Pipeline;

/// <summary>Reads pruning.yaml with the pipeline's stage types (<see cref="StageTypes"/>); see <see cref="ConfigReader"/>.</summary>
public static class PipelineConfigLoader
{
    private static readonly ConfigReader Reader = new(StageTypes.Syntax);

    public static PipelineConfig Load(string path, IReadOnlyList<string>? overrides = null) => Reader.Load(path, overrides).Config;

    /// <summary>Reads a pipeline file for a plan: the model folder needs only config.json, training data may be missing.</summary>
    public static PipelineConfig LoadForPlan(string path, IReadOnlyList<string>? overrides = null) =>
        Reader.Load(path, overrides, planning: true).Config;

    /// <summary>Reads a pipeline file once: the typed configuration and the effective config JSON the manifest records.</summary>
    public static (PipelineConfig Config, JsonObject Effective) LoadWithEffective(string path, IReadOnlyList<string>? overrides = null) =>
        Reader.Load(path, overrides);

    public static PipelineConfig Parse(string yaml, string file, IReadOnlyList<string>? overrides = null) =>
        Reader.Parse(yaml, file, overrides);

    /// <summary>The validated configuration as JSON with every default filled in (the "effective config").</summary>
    public static JsonObject ToJson(string yaml, string file, IReadOnlyList<string>? overrides = null, string? baseDirectory = null) =>
        Reader.ToJson(yaml, file, overrides, baseDirectory);

    /// <summary>A stage's settings as JSON, its <c>type</c> first and without its id: what its cache key hashes.</summary>
    public static JsonNode Settings(StageConfig stage) => Reader.Settings(stage);

    /// <summary>pruning.yaml's JSON Schema.</summary>
    public static JsonObject JsonSchema() => JsonSchemaWriter.Write(StageTypes.Syntax);

    /// <summary>pruning.yaml's reference as Markdown (README embeds it).</summary>
    public static string ReferenceMarkdown() => SchemaMarkdown.Write(StageTypes.Syntax);
}
