using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Model;

/// <summary>
/// Typed reads of config.json fields that collect problems instead of throwing, so one error message names every
/// missing or mistyped field (a string where a number belongs, a fraction where a count belongs).
/// </summary>
internal sealed class ConfigFields(JsonObject root, string source, string prefix = "")
{
    public string Source { get; } = source;
    public List<string> Problems { get; } = [];

    public string? String(string key) => Read(key, "a string", n => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null);

    public bool? Bool(string key) => Read(key, "true or false", n => n.GetValueKind() switch
    {
        JsonValueKind.True => true, JsonValueKind.False => false, _ => (bool?)null,
    });

    public int? Int(string key) => Read(key, "a whole number", n => n is JsonValue v && v.TryGetValue(out int x) ? x : (int?)null);

    /// <summary>
    /// A required (or defaulted) count that must be at least 1; 0 stands in for a missing value after a problem is recorded.
    /// A fallback is returned as given: it is a default or another field's value, checked (and reported) where it came from.
    /// </summary>
    public int Positive(string key, int? fallback = null)
    {
        if (root[key] is null && fallback is { } given) return given;
        int? value = Int(key);
        if (value is null)
        {
            if (root[key] is null) Problems.Add($"missing '{prefix}{key}'");
            return 0;
        }
        if (value <= 0) { Problems.Add($"'{prefix}{key}' must be at least 1 (it is {value})"); return 0; }
        return value.Value;
    }

    public double PositiveDouble(string key, double? fallback = null)
    {
        double? value = Read(key, "a number", n => n.GetValueKind() == JsonValueKind.Number ? n.GetValue<double>() : (double?)null)
                        ?? (root[key] is null ? fallback : null);
        if (value is null)
        {
            if (root[key] is null) Problems.Add($"missing '{prefix}{key}'");
            return 1;
        }
        if (!(value > 0) || double.IsInfinity(value.Value))
        {
            Problems.Add($"'{prefix}{key}' must be a positive number (it is {value})");
            return 1;
        }
        return value.Value;
    }

    /// <summary>One id or a list of ids (eos_token_id may be either).</summary>
    public IReadOnlyList<int> Ids(string key)
    {
        if (root[key] is not JsonArray array) return Int(key) is { } one ? [one] : [];
        var ids = new List<int>();
        foreach (var item in array)
            if (item is JsonValue v && v.TryGetValue(out int id)) ids.Add(id);
            else Problems.Add($"'{prefix}{key}' must hold whole numbers");
        return ids;
    }

    private T? Read<T>(string key, string expected, Func<JsonNode, T?> convert)
    {
        var node = root[key];
        if (node is null) return default;
        var value = convert(node);
        if (value is null) Problems.Add($"'{prefix}{key}' must be {expected} (it is {node.ToJsonString()})");
        return value;
    }
}
