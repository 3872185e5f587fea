using System.Text.Json;
using System.Text.RegularExpressions;
using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// A user's generative task without code: a task file (JSON) with <c>"output_type": "generate_until"</c>:
/// <code>
/// { "name": "my_qa", "output_type": "generate_until", "data": "items.jsonl", "template": "Q: {context}\nA:",
///   "until": ["\n"], "max_gen_toks": 32,
///   "filters": [{ "name": "number", "regex": "(-?[0-9]+)", "group_select": 0, "fallback": "[invalid]" }],
///   "exact_match": { "ignore_case": true, "ignore_punctuation": false, "regexes_to_ignore": [","] } }
/// </code>
/// <c>data</c> is relative to the task file; <c>template</c> defaults to <c>{context}</c>; <c>until</c> to none (end-of-text
/// and max_gen_toks still stop); <c>max_gen_toks</c> to 256; <c>filters</c> to the harness's <c>none</c> (the whole
/// response); <c>exact_match</c> options to false/false/none. Each data line is <c>{"context": "...", "target": "..."}</c>
/// with an optional <c>"id"</c>.
/// </summary>
public static class GenerativeTaskReader
{
    /// <summary>The value of <c>output_type</c> that marks a task file as generative.</summary>
    public const string OutputType = "generate_until";

    /// <summary>Whether <paramref name="taskFile"/> is an existing JSON object whose <c>output_type</c> is generate_until.</summary>
    public static bool IsGenerative(string taskFile)
    {
        if (!taskFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || !File.Exists(taskFile)) return false;
        try
        {
            var json = JsonDocument.Parse(InputText.Read(taskFile, "task file")).RootElement;
            return json.ValueKind == JsonValueKind.Object && json.TryGetProperty("output_type", out var t)
                && t.ValueKind == JsonValueKind.String && t.GetString() == OutputType;
        }
        catch (JsonException) { return false; } // the multiple-choice reader reports the syntax error
    }

    public static GenerativeTaskDefinition Load(string taskFile)
    {
        var (json, _, name, data, template) = GenericTaskReader.Header(taskFile);
        var until = Strings(taskFile, json, "until");
        int maxGen = json.TryGetProperty("max_gen_toks", out var m)
            ? m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out int v) && v >= 1 ? v
                : throw EvaluationDataException.BadValue(taskFile, 1, "max_gen_toks", "is not a whole number of at least 1")
            : GenerativeTaskDefinition.DefaultMaxGenToks;
        var filters = json.TryGetProperty("filters", out var f) ? Filters(taskFile, f) : [AnswerFilter.None];
        var match = json.TryGetProperty("exact_match", out var e) ? Match(taskFile, e) : new ExactMatchOptions();
        return new GenerativeTaskDefinition(name, o => ReadItems(data, template, o.Limit), until, maxGen, filters, match);
    }

    /// <summary>Reads the items of a generative task's JSONL file.</summary>
    public static IReadOnlyList<GenerativeItem> ReadItems(string path, string template, int? limit) =>
        [.. JsonlReader.Read(path, limit).Select((line, i) =>
            new GenerativeItem(line.OptionalString("id") ?? $"{i}", template.Replace("{context}", line.String("context")),
                line.String("target")))];

    private static List<AnswerFilter> Filters(string file, JsonElement list)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw EvaluationDataException.BadValue(file, 1, "filters", "is not a non-empty list of {name, regex} objects");
        var filters = list.EnumerateArray().Select((x, i) =>
        {
            if (x.ValueKind != JsonValueKind.Object)
                throw EvaluationDataException.BadValue(file, 1, $"filters[{i}]", "is not an object with name and regex");
            var item = new JsonlReader.Line(file, 1, x);
            string? pattern = item.OptionalString("regex");
            if (pattern is not null) CheckRegex(file, $"filters[{i}].regex", pattern);
            int group = x.TryGetProperty("group_select", out var g) && g.TryGetInt32(out int gi) ? gi : 0;
            return new AnswerFilter(item.String("name"), pattern, group, item.OptionalString("fallback") ?? "[invalid]");
        }).ToList();
        if (filters.Select(x => x.Name).Distinct().Count() != filters.Count)
            throw EvaluationDataException.BadValue(file, 1, "filters", "names a filter twice; give each a unique name");
        return filters;
    }

    private static ExactMatchOptions Match(string file, JsonElement o)
    {
        if (o.ValueKind != JsonValueKind.Object)
            throw EvaluationDataException.BadValue(file, 1, "exact_match", "is not an object");
        var regexes = Strings(file, o, "regexes_to_ignore");
        foreach (string r in regexes) CheckRegex(file, "exact_match.regexes_to_ignore", r);
        return new ExactMatchOptions(Flag(file, o, "ignore_case"), Flag(file, o, "ignore_punctuation"), regexes);
    }

    private static bool Flag(string file, JsonElement o, string field) =>
        o.TryGetProperty(field, out var v) && (v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
            : throw EvaluationDataException.BadValue(file, 1, field, "is not true or false"));

    private static List<string> Strings(string file, JsonElement o, string field) =>
        !o.TryGetProperty(field, out var v) ? []
        : v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String)
            ? [.. v.EnumerateArray().Select(x => x.GetString()!)]
            : throw EvaluationDataException.BadValue(file, 1, field, "is not a list of strings");

    private static void CheckRegex(string file, string field, string pattern)
    {
        try { _ = new Regex(pattern); }
        catch (ArgumentException ex) { throw EvaluationDataException.BadValue(file, 1, field, $"is not a valid regex ({ex.Message})"); }
    }
}
