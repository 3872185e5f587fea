using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// What a base model folder says about itself, as far as the pruned model's card needs it: its Hub id (the
/// <c>_name_or_path</c> of its config.json when that is a Hub id, as transformers' <c>save_pretrained</c> writes it) and the
/// licence in the front matter of its README.md (<c>license</c>, and <c>license_name</c> / <c>license_link</c> for
/// <c>other</c>). The card's own <c>base_model</c> is not used: it names the base's parent, not the base.
/// </summary>
public sealed record BaseModelCard(string? HubId, string? License, string? LicenseName, string? LicenseLink)
{
    private static readonly Regex HubIdShape = new(@"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$");

    /// <summary>Reads <paramref name="folder"/>'s README.md and config.json; what is missing or unreadable is null.</summary>
    public static BaseModelCard Read(string folder)
    {
        var front = FrontMatter(Path.Combine(folder, "README.md"));
        string? Scalar(string key) =>
            front?.Children.TryGetValue(new YamlScalarNode(key), out var node) == true
            && node is YamlScalarNode { Value: { Length: > 0 } v } ? v.Trim() : null;
        return new BaseModelCard(NameOrPath(Path.Combine(folder, "config.json")), Scalar("license"), Scalar("license_name"),
            Scalar("license_link"));
    }

    /// <summary>The YAML mapping between the leading <c>---</c> lines of a Markdown file, or null.</summary>
    public static YamlMappingNode? FrontMatter(string markdownFile)
    {
        if (!File.Exists(markdownFile)) return null;
        var lines = File.ReadAllText(markdownFile).ReplaceLineEndings("\n").Split('\n');
        if (lines.Length < 2 || lines[0].TrimEnd() != "---") return null;
        int end = Array.FindIndex(lines, 1, l => l.TrimEnd() is "---" or "...");
        if (end < 0) return null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(string.Join('\n', lines[1..end])));
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    private static string? NameOrPath(string configFile)
    {
        if (!File.Exists(configFile)) return null;
        try
        {
            string? name = (JsonNode.Parse(File.ReadAllText(configFile)) as JsonObject)?["_name_or_path"] is JsonValue v
                           && v.TryGetValue(out string? s) ? s : null;
            // transformers writes a local folder's absolute path here; only OWNER/NAME is taken for a Hub id.
            return name is not null && HubIdShape.IsMatch(name) && !name.StartsWith('.') ? name : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
