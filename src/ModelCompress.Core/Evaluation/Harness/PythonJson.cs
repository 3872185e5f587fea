using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// JSON text exactly as Python's <c>json.dumps(value, ensure_ascii=False)</c> writes it (separators <c>", "</c> and
/// <c>": "</c>; with an indent, one item per line and <c>","</c> at line ends), floats as Python's <c>repr</c>. The
/// harness hashes documents in this form (<c>doc_hash</c>) and writes its files in it, so ours compare byte for byte.
/// </summary>
public static class PythonJson
{
    /// <summary>The text of <paramref name="node"/>; <paramref name="indent"/> spaces per level, or one line when null.</summary>
    public static string Dumps(JsonNode? node, int? indent = null)
    {
        var text = new StringBuilder();
        Write(text, node, indent, 0);
        return text.ToString();
    }

    /// <summary>The harness's <c>hash_string</c>: sha256 hex of the UTF-8 bytes.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, fixed between 1e-4 and 1e16, else exponent form.</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "Infinity" : "-Infinity";
        string sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        if (value == 0) return sign + "0.0";
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        int exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? r : r[..e];
        int dot = mantissa.IndexOf('.');
        string digits = mantissa.Replace(".", "");
        int point = (dot < 0 ? mantissa.Length : dot) + exponent;
        int lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..].TrimEnd('0');
        point -= lead;
        int scientific = point - 1;
        if (scientific is >= -4 and < 16)
        {
            if (point <= 0) return $"{sign}0.{new string('0', -point)}{digits}";
            if (point >= digits.Length) return $"{sign}{digits}{new string('0', point - digits.Length)}.0";
            return $"{sign}{digits[..point]}.{digits[point..]}";
        }
        string fraction = digits.Length > 1 ? "." + digits[1..] : "";
        return $"{sign}{digits[0]}{fraction}e{(scientific < 0 ? "-" : "+")}{Math.Abs(scientific):00}";
    }

    private static void Write(StringBuilder text, JsonNode? node, int? indent, int depth)
    {
        switch (node)
        {
            case null: text.Append("null"); break;
            case JsonObject o:
                Container(text, '{', '}', o.Select(p => ((string?)p.Key, p.Value)).ToList(), indent, depth);
                break;
            case JsonArray a:
                Container(text, '[', ']', a.Select(v => ((string?)null, v)).ToList(), indent, depth);
                break;
            case JsonValue v: Value(text, v); break;
        }
    }

    private static void Container(StringBuilder text, char open, char close, List<(string? Key, JsonNode? Value)> items, int? indent,
        int depth)
    {
        text.Append(open);
        if (items.Count == 0)
        {
            text.Append(close);
            return;
        }
        string inner = indent is int n ? "\n" + new string(' ', n * (depth + 1)) : "";
        for (int i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? "" : indent is null ? ", " : ",").Append(inner);
            if (items[i].Key is { } key) text.Append(Quote(key)).Append(": ");
            Write(text, items[i].Value, indent, depth + 1);
        }
        if (indent is int m) text.Append('\n').Append(' ', m * depth);
        text.Append(close);
    }

    private static void Value(StringBuilder text, JsonValue v)
    {
        if (v.TryGetValue<double>(out double d) && v.GetValueKind() == JsonValueKind.Number && !IsInteger(v)) text.Append(Float(d));
        else if (v.TryGetValue<float>(out float f) && !IsInteger(v)) text.Append(Float(f));
        else if (v.GetValueKind() == JsonValueKind.String) text.Append(Quote(v.GetValue<string>()));
        else text.Append(v.ToJsonString());
    }

    // A number is an int in Python when it was created from an integer type (or parsed without a fraction or exponent).
    private static bool IsInteger(JsonValue v) =>
        v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _) ||
        (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && !e.GetRawText().AsSpan().ContainsAny(".eE"));

    /// <summary>A JSON string as Python writes it with <c>ensure_ascii=False</c>: only quote, backslash and controls escaped.</summary>
    public static string Quote(string s)
    {
        var text = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return text.Append('"').ToString();
    }
}
