using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Config;

/// <summary>Writes a JSON tree as block-style YAML (strings double-quoted, lists of scalars in flow style).</summary>
public static class YamlWriter
{
    public static string Write(JsonObject root)
    {
        var text = new StringBuilder();
        WriteObject(text, root, 0);
        return text.ToString();
    }

    private static void WriteObject(StringBuilder text, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            text.Append(' ', indent).Append(key).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject obj when obj.Count > 0:
                text.Append('\n');
                WriteObject(text, obj, indent + 2);
                break;
            case JsonArray array when array.Count > 0 && array.All(v => v is JsonObject):
                text.Append('\n');
                foreach (var item in array)
                {
                    text.Append(' ', indent + 2).Append("- ");
                    var lines = new StringBuilder();
                    WriteObject(lines, item!.AsObject(), indent + 4);
                    text.Append(lines.ToString().TrimStart());
                }
                break;
            default:
                text.Append(' ').Append(value switch
                {
                    JsonObject => "{}",
                    JsonArray array => "[" + string.Join(", ", array.Select(v => v?.ToJsonString() ?? "null")) + "]",
                    null => "null",
                    _ => value.ToJsonString(),
                }).Append('\n');
                break;
        }
    }
}
