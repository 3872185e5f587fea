using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>Finding the YAML node behind a value, so a problem found in the JSON form is reported at its line and column.</summary>
internal static class YamlNodes
{
    /// <summary>The value of <paramref name="key"/> in a mapping, or <paramref name="node"/> itself when there is none.</summary>
    public static YamlNode Child(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : node;

    /// <summary>The items of the sequence under <paramref name="key"/> (empty when absent or not a sequence).</summary>
    public static IList<YamlNode> Items(YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode seq
            ? seq.Children : [];
}
