using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Checks a YAML tree against <see cref="PipelineSchema"/> and converts it to JSON with defaults filled in, collecting
/// every problem (unknown, missing and mistyped fields, values out of range) with its line and column.
/// </summary>
internal sealed class YamlToJson(string file, IReadOnlyDictionary<YamlNode, string> origins, IReadOnlyList<StageSyntax> stages)
{
    public List<ConfigError> Errors { get; } = [];

    public void Error(YamlNode node, string path, string message, string? hint = null)
    {
        if (origins.TryGetValue(node, out string? origin))
            Errors.Add(new ConfigError(file, 0, 0, path, message + $" (from {origin})", hint));
        else
            Errors.Add(new ConfigError(file, (int)node.Start.Line, (int)node.Start.Column, path, message, hint));
    }

    public JsonObject? Object(YamlNode node, ObjectSpec spec, string path, IEnumerable<FieldSpec>? extra = null)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping of {spec.Name} fields.");
            return null;
        }
        var fields = (extra ?? []).Concat(spec.Fields).ToList();
        var result = new JsonObject();
        var seen = new HashSet<string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            var field = fields.FirstOrDefault(f => f.Name == key);
            if (field is null)
            {
                string? near = Suggestions.Nearest(key, fields.Select(f => f.Name));
                Error(keyNode, Join(path, key), $"unknown field '{key}' in {spec.Name}.",
                    near is null ? $"known fields: {string.Join(", ", fields.Select(f => f.Name))}." : $"did you mean '{near}'?");
                continue;
            }
            seen.Add(key);
            var value = Value(valueNode, field, Join(path, key));
            if (value is not null) result[key] = value;
        }
        foreach (var field in fields.Where(f => !seen.Contains(f.Name)))
        {
            if (field.Required) Error(mapping, path, $"missing required field '{field.Name}'.", field.Description);
            else if (Default(field) is { } value) result[field.Name] = value;
        }
        return result;
    }

    /// <summary>The JSON default of an absent field: its declared default, or for an optional object its defaults.</summary>
    private JsonNode? Default(FieldSpec field)
    {
        if (field is { Kind: ValueKind.Object, DefaultsWhenAbsent: true, Object: { } spec })
            return Object(new YamlMappingNode(), spec, "");
        return field.Default switch
        {
            null => null,
            string[] list => new JsonArray(list.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
            object[] list => new JsonArray(),
            var v => JsonValue.Create(v),
        };
    }

    public JsonNode? Value(YamlNode node, FieldSpec field, string path)
    {
        switch (field.Kind)
        {
            case ValueKind.Object: return Object(node, field.Object!, path);
            case ValueKind.Stage: return Stage(node, path);
            case ValueKind.List:
                if (node is not YamlSequenceNode sequence)
                {
                    Error(node, path, $"expected a list ({field.Description})", "write items as '- item' lines or [a, b].");
                    return null;
                }
                var array = new JsonArray();
                int i = 0;
                foreach (var item in sequence.Children) array.Add(Value(item, field.Item!, $"{path}[{i++}]")); // null keeps positions
                return array;
        }
        if (node is not YamlScalarNode scalar || scalar.Value is null)
        {
            Error(node, path, $"expected a single {field.Kind.ToString().ToLowerInvariant()} value.");
            return null;
        }
        return Scalar(scalar, scalar.Value, field, path);
    }

    private JsonNode? Scalar(YamlScalarNode node, string text, FieldSpec field, string path)
    {
        switch (field.Kind)
        {
            case ValueKind.Integer:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
                    return Fail(node, path, $"'{text}' is not a whole number.");
                return InRange(node, path, integer, field) ? JsonValue.Create(integer) : null;
            case ValueKind.Number:
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
                    return Fail(node, path, $"'{text}' is not a number.");
                return InRange(node, path, number, field) ? JsonValue.Create(number) : null;
            case ValueKind.Boolean:
                return text is "true" or "false" ? JsonValue.Create(text == "true") : Fail(node, path, $"'{text}' is not true or false.");
            case ValueKind.Enum:
                if (field.Allowed!.Contains(text)) return JsonValue.Create(text);
                string? near = Suggestions.Nearest(text, field.Allowed!);
                Error(node, path, $"'{text}' is not one of: {string.Join(", ", field.Allowed!)}.",
                    near is null ? null : $"did you mean '{near}'?");
                return null;
            default:
                if (field.Pattern is { } pattern && !Regex.IsMatch(text, pattern.Regex))
                    return Fail(node, path, $"'{text}' is not {pattern.Explanation}.");
                return JsonValue.Create(text);
        }
    }

    private JsonObject? Stage(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping) return Fail(node, path, "expected a stage mapping with 'id' and 'type'.") as JsonObject;
        var typeNode = mapping.Children.FirstOrDefault(p => (p.Key as YamlScalarNode)?.Value == "type").Value as YamlScalarNode;
        string? type = typeNode?.Value;
        var types = stages.Select(s => s.Type).ToList();
        var spec = stages.FirstOrDefault(s => s.Type == type)?.Spec;
        if (type is null || spec is null)
        {
            Error(typeNode ?? node, path, type is null ? "missing required field 'type'." : $"unknown stage type '{type}'.",
                $"use one of: {string.Join(", ", types)}.");
            return null;
        }
        var idField = new FieldSpec("id", ValueKind.String, "Unique stage id.")
        {
            Required = true,
            Pattern = (@"^[A-Za-z][A-Za-z0-9_-]*$", "an identifier such as heal-1"),
        };
        var typeField = new FieldSpec("type", ValueKind.Enum, "Stage type.") { Required = true, Allowed = types };
        var result = Object(mapping, spec, $"{path} ({type})", [typeField, idField]);
        return result;
    }

    private JsonNode? Fail(YamlNode node, string path, string message)
    {
        Error(node, path, message);
        return null;
    }

    private bool InRange(YamlNode node, string path, double value, FieldSpec field)
    {
        if (field.Minimum is double min && value < min)
        {
            Error(node, path,
                $"{value.ToString(CultureInfo.InvariantCulture)} is below the minimum {min.ToString(CultureInfo.InvariantCulture)}.");
            return false;
        }
        if (field.Maximum is double max && value > max)
        {
            Error(node, path,
                $"{value.ToString(CultureInfo.InvariantCulture)} is above the maximum {max.ToString(CultureInfo.InvariantCulture)}.");
            return false;
        }
        return true;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
