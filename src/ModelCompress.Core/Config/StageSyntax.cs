using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>How pruning.yaml spells one stage type: its <c>type</c> name, its fields, and the record it is read into.</summary>
public sealed record StageSyntax(string Type, ObjectSpec Spec, Type Record)
{
    /// <summary>The stage type's rules between fields and stages, run after every field has been checked on its own.</summary>
    public Action<StageCheck>? Check { get; init; }
}

/// <summary>
/// What a stage type's own rules see: the stage as validated JSON (a field that failed its own check is absent), the stages
/// before it and all stages (id, type), and the gate targets the pipeline produces, which an evaluate stage adds to.
/// </summary>
public sealed class StageCheck
{
    private readonly YamlNode node;
    private readonly YamlToJson report;

    internal StageCheck(JsonObject stage, YamlNode node, string path, IReadOnlyDictionary<string, string> earlier,
                        IReadOnlyList<(string Id, string Type)> all, ISet<string> outputs, YamlToJson report)
    {
        (Stage, this.node, Path, Earlier, All, Outputs, this.report) = (stage, node, path, earlier, all, outputs, report);
    }

    public JsonObject Stage { get; }
    public string Path { get; }
    public IReadOnlyDictionary<string, string> Earlier { get; }
    public IReadOnlyList<(string Id, string Type)> All { get; }
    public ISet<string> Outputs { get; }

    /// <summary>A string field's value, or null when absent.</summary>
    public string? String(string field) => (Stage[field] as JsonValue)?.GetValue<string>();

    /// <summary>The strings of a list field (a list that failed its own check is absent or partial here).</summary>
    public IEnumerable<string> Strings(string field) =>
        (Stage[field] as JsonArray ?? []).Select(t => (t as JsonValue)?.GetValue<string>()).OfType<string>();

    public void Error(string message, string? hint = null) => report.Error(node, Path, message, hint);
}
