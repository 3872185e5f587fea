using System.Text.Json;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Pruning;

/// <summary>The content of pruning.json, written beside a pruned model.</summary>
public sealed record PruningReport(
    ModelIdentity Source, string Method, IReadOnlyList<int> RemovedLayers, IReadOnlyList<int> KeptLayers,
    int LayersBefore, int LayersAfter, long ParametersBefore, long ParametersAfter, IReadOnlyList<LayerScore>? Scores,
    string ToolVersion)
{
    public const string FileName = "pruning.json";

    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Indented);

    public static PruningReport Load(string folder) =>
        JsonSerializer.Deserialize<PruningReport>(File.ReadAllText(Path.Combine(folder, FileName)), JsonDefaults.Indented)!;
}
