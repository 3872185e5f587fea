using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Core.Scoring;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Reads pruning.yaml: parses YAML, applies <c>--set key.path=value</c> overrides, checks everything against
/// <see cref="PipelineSchema"/> and the rules between fields, and reports every problem at once.
/// </summary>
public static class PipelineConfigLoader
{
    private static readonly JsonSerializerOptions Json = new(JsonDefaults.Indented) { AllowOutOfOrderMetadataProperties = true };

    public static PipelineConfig Load(string path, IReadOnlyList<string>? overrides = null) => LoadWithEffective(path, overrides).Config;

    /// <summary>Reads a pipeline file once: the typed configuration and the effective config JSON the manifest records.</summary>
    public static (PipelineConfig Config, JsonObject Effective) LoadWithEffective(string path, IReadOnlyList<string>? overrides = null)
    {
        if (!File.Exists(path)) throw new ConfigException([new ConfigError(path, 0, 0, "", "file not found.", "run 'dotnet compress init' to write a starter pruning.yaml.")]);
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var json = ToJson(File.ReadAllText(path), path, overrides, baseDirectory);
        return (json.Deserialize<PipelineConfig>(Json)! with { BaseDirectory = baseDirectory }, json);
    }

    public static PipelineConfig Parse(string yaml, string file, IReadOnlyList<string>? overrides = null)
    {
        var json = ToJson(yaml, file, overrides);
        return json.Deserialize<PipelineConfig>(Json)!;
    }

    /// <summary>
    /// The validated configuration as JSON with every default filled in (the "effective config"). With
    /// <paramref name="baseDirectory"/> (the pipeline file's folder), the local files it names must also exist.
    /// </summary>
    public static JsonObject ToJson(string yaml, string file, IReadOnlyList<string>? overrides = null, string? baseDirectory = null)
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
        var converter = new YamlToJson(file, origins);
        var json = converter.Object(root, PipelineSchema.Root, "");
        errors.AddRange(converter.Errors);
        int structural = converter.Errors.Count;
        if (json is not null) CrossChecks.Run(json, root, converter);
        if (json is not null && baseDirectory is not null) FileChecks.Run(json, root, baseDirectory, converter);
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
                return new ConfigError(file, i + 1, indent.IndexOf('\t') + 1, "", "a tab is used for indentation; YAML indents with spaces only.",
                    "replace the tab with spaces.");
        }
        return null;
    }
}
