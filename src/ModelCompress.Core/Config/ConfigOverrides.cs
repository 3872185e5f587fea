using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Applies <c>--set key.path=value</c> to the YAML tree before validation, so overrides are type-checked like the file.
/// A path walks mappings by key and the stages list by stage id (or index): <c>stages.heal.epochs=1</c>,
/// <c>compute.device=cpu</c>, <c>gates.0.max_drop=0.1</c>.
/// </summary>
internal static class ConfigOverrides
{
    public static void Apply(YamlNode root, string assignment, Dictionary<YamlNode, string> origins, string file, List<ConfigError> errors)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0)
        {
            errors.Add(new ConfigError(file, 0, 0, assignment, "an override must look like key.path=value (e.g. compute.device=cpu)."));
            return;
        }
        string[] keys = assignment[..eq].Trim().Split('.');
        var value = new YamlStream();
        try { value.Load(new StringReader(assignment[(eq + 1)..])); }
        catch (YamlException e)
        {
            errors.Add(new ConfigError(file, 0, 0, assignment[..eq],
                $"--set {assignment}: the value is not valid YAML: {e.InnerException?.Message ?? e.Message}",
                "quote the value, e.g. --set 'key=\"[x\"'."));
            return;
        }
        var node = value.Documents.Count > 0 ? value.Documents[0].RootNode : new YamlScalarNode("");
        origins[node] = $"--set {assignment}";
        YamlNode current = root;
        for (int i = 0; i < keys.Length; i++)
        {
            bool last = i == keys.Length - 1;
            switch (current)
            {
                case YamlMappingNode mapping:
                    var key = new YamlScalarNode(keys[i]);
                    origins[key] = $"--set {assignment}"; // an unknown key is reported as coming from --set, not from line 1
                    if (last) { mapping.Children[key] = node; return; }
                    if (!mapping.Children.TryGetValue(key, out var child))
                    {
                        child = new YamlMappingNode();
                        origins[child] = $"--set {assignment}";
                        mapping.Children[key] = child;
                    }
                    current = child;
                    break;
                case YamlSequenceNode sequence:
                    int index = int.TryParse(keys[i], out int n) ? n : sequence.Children.ToList().FindIndex(c =>
                        c is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("id"), out var id)
                        && (id as YamlScalarNode)?.Value == keys[i]);
                    if (index < 0 || index >= sequence.Children.Count)
                    {
                        errors.Add(new ConfigError(file, 0, 0, assignment[..eq],
                            $"--set {assignment}: no item '{keys[i]}' in {string.Join('.', keys[..i])}."));
                        return;
                    }
                    if (last) { sequence.Children[index] = node; return; }
                    current = sequence.Children[index];
                    break;
                default:
                    errors.Add(new ConfigError(file, 0, 0, assignment[..eq],
                        $"--set {assignment}: '{string.Join('.', keys[..i])}' is a value, not a section."));
                    return;
            }
        }
    }
}
