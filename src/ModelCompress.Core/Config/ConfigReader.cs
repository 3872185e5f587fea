using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Reads pruning.yaml for a given set of stage types: parses YAML, applies <c>--set key.path=value</c> overrides, checks
/// everything against <see cref="PipelineSchema"/>, the stages' own fields and the rules between fields, and reports every
/// problem at once. The pipeline applies its list of stage types (its PipelineConfigLoader).
/// </summary>
public sealed class ConfigReader(IReadOnlyList<StageSyntax> stages)
{
    private readonly JsonSerializerOptions json = Options(stages);

    /// <summary>
    /// Reads a pipeline file once: the typed configuration and the effective config JSON the manifest records. With
    /// <paramref name="planning"/>, a model folder needs only its config.json and training data may be missing (a plan).
    /// </summary>
    public (PipelineConfig Config, JsonObject Effective) Load(string path, IReadOnlyList<string>? overrides = null, bool planning = false)
    {
        if (!File.Exists(path))
            throw new ConfigException(
                [new ConfigError(path, 0, 0, "", "file not found.", "run 'dotnet compress init' to write a starter pruning.yaml.")]);
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var effective = ToJson(File.ReadAllText(path), path, overrides, baseDirectory, planning);
        return (effective.Deserialize<PipelineConfig>(json)! with { BaseDirectory = baseDirectory }, effective);
    }

    /// <summary>The typed configuration of YAML text (local files it names are not checked).</summary>
    public PipelineConfig Parse(string yaml, string file, IReadOnlyList<string>? overrides = null) =>
        ToJson(yaml, file, overrides).Deserialize<PipelineConfig>(json)!;

    /// <summary>A stage's settings as JSON, its <c>type</c> first and without its id: what its cache key hashes.</summary>
    public JsonNode Settings(StageConfig stage) => JsonSerializer.SerializeToNode(stage with { Id = "" }, json)!;

    // Stage records are picked by their `type`, from the stage types this reader was given.
    private static JsonSerializerOptions Options(IReadOnlyList<StageSyntax> stages)
    {
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Type != typeof(StageConfig)) return;
            info.PolymorphismOptions = new JsonPolymorphismOptions { TypeDiscriminatorPropertyName = "type" };
            foreach (var stage in stages) info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(stage.Record, stage.Type));
        });
        return new JsonSerializerOptions(JsonDefaults.Indented) { AllowOutOfOrderMetadataProperties = true, TypeInfoResolver = resolver };
    }

    /// <summary>
    /// The validated configuration as JSON with every default filled in (the "effective config"). With
    /// <paramref name="baseDirectory"/> (the pipeline file's folder), the local files it names must also exist.
    /// </summary>
    public JsonObject ToJson(string yaml, string file, IReadOnlyList<string>? overrides = null, string? baseDirectory = null,
                             bool planning = false)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e)
        {
            throw new ConfigException([TabIndentation(yaml, file) ?? new ConfigError(file, (int)e.Start.Line, (int)e.Start.Column, "",
                $"not valid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }
        var root = stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
        var origins = new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance);
        var errors = new List<ConfigError>();
        foreach (string o in overrides ?? []) ConfigOverrides.Apply(root, o, origins, file, errors);
        var converter = new YamlToJson(file, origins, stages);
        var json = converter.Object(root, PipelineSchema.Root, "");
        errors.AddRange(converter.Errors);
        int structural = converter.Errors.Count;
        if (json is not null) CrossChecks.Run(json, root, converter, stages);
        if (json is not null && baseDirectory is not null) FileChecks.Run(json, root, baseDirectory, converter, stages, planning);
        errors.AddRange(converter.Errors.Skip(structural));
        if (errors.Count > 0) throw new ConfigException(errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
        return json!;
    }

    /// <summary>The first tab in a line's indentation: YAML forbids them, and the parser reports them far from where they are.</summary>
    private static ConfigError? TabIndentation(string yaml, string file)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string indent = lines[i][..(lines[i].Length - lines[i].TrimStart(' ', '\t').Length)];
            if (indent.Contains('\t'))
                return new ConfigError(file, i + 1, indent.IndexOf('\t') + 1, "",
                    "a tab is used for indentation; YAML indents with spaces only.",
                    "replace the tab with spaces.");
        }
        return null;
    }
}
