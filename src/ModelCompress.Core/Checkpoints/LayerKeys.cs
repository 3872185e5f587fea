using System.Text.RegularExpressions;

namespace ModelCompress.Core.Checkpoints;

/// <summary>Decoder-layer numbering in state-dict keys (<c>model.layers.{i}.…</c>).</summary>
public static partial class LayerKeys
{
    [GeneratedRegex(@"^model\.layers\.(\d+)\.")]
    private static partial Regex LayerPrefix();

    /// <summary>The layer index of a key, or null for keys outside the decoder layers.</summary>
    public static int? LayerOf(string key) => LayerPrefix().Match(key) is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;

    /// <summary>Replaces the layer index of a key (keys outside layers are returned unchanged).</summary>
    public static string WithLayer(string key, int layer) => LayerPrefix().Replace(key, $"model.layers.{layer}.", 1);

    /// <summary>The checkpoint key of a built model's key, given which source layer each built layer came from.</summary>
    public static string ToSource(string key, IReadOnlyList<int> sourceLayers) =>
        LayerOf(key) is { } built ? WithLayer(key, sourceLayers[built]) : key;
}
