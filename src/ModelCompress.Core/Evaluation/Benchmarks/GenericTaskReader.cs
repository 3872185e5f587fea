using System.Text.Json;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// A user's multiple-choice task without code. The task file (JSON):
/// <code>
/// { "name": "my_task", "data": "items.jsonl", "template": "Question: {context}\nAnswer:", "separator": " ",
///   "metrics": ["acc", "acc_norm"] }
/// </code>
/// <c>data</c> is relative to the task file; <c>template</c> (default <c>{context}</c>) wraps each item's context;
/// <c>separator</c> (default one space) goes before each choice; <c>metrics</c> defaults to both. Each data line is
/// <c>{"context": "...", "choices": ["...", "..."], "gold": 0}</c> with an optional <c>"id"</c>.
/// </summary>
public static class GenericTaskReader
{
    /// <summary>
    /// The fields every task file shares (multiple-choice and generative): the JSON object, its <c>name</c>, the <c>data</c> file
    /// resolved beside the task file, and the <c>template</c> (default <c>{context}</c>, which it must contain).
    /// </summary>
    internal static (JsonElement Json, JsonlReader.Line Spec, string Name, string Data, string Template) Header(string taskFile)
    {
        if (!File.Exists(taskFile)) throw EvaluationDataException.MissingFile(taskFile, "task file");
        JsonElement json;
        try { json = JsonDocument.Parse(InputText.Read(taskFile, "task file")).RootElement; }
        catch (JsonException e) { throw JsonInput.Invalid(taskFile, e); }
        if (json.ValueKind != JsonValueKind.Object)
            throw EvaluationDataException.Malformed(taskFile, 1, "a task file must be a JSON object");
        var spec = new JsonlReader.Line(taskFile, 1, json);
        string name = spec.String("name");
        string data = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(taskFile))!, spec.String("data"));
        string template = spec.OptionalString("template") ?? "{context}";
        if (!template.Contains("{context}"))
            throw EvaluationDataException.BadValue(taskFile, 1, "template", "has no {context} placeholder");
        return (json, spec, name, data, template);
    }

    public static TaskDefinition Load(string taskFile)
    {
        var (json, spec, name, data, template) = Header(taskFile);
        string separator = spec.OptionalString("separator") ?? " ";
        var metrics = json.TryGetProperty("metrics", out var m)
            ? (m.ValueKind == JsonValueKind.Array ? m.EnumerateArray()
                : throw EvaluationDataException.BadValue(taskFile, 1, "metrics", "is not a list"))
                .Select(x => (x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText()) switch
            {
                "acc" => ChoiceMetric.Acc,
                "acc_norm" => ChoiceMetric.AccNorm,
                var other => throw EvaluationDataException.BadValue(taskFile, 1, "metrics",
                    $"has unknown metric '{other}' (use acc, acc_norm)"),
            }).ToArray()
            : [ChoiceMetric.Acc, ChoiceMetric.AccNorm];
        return new TaskDefinition(name, metrics, o => ReadItems(data, template, separator, o.Limit));
    }

    /// <summary>Reads the items of a generic task's JSONL file.</summary>
    public static IReadOnlyList<MultipleChoiceItem> ReadItems(string path, string template, string separator, int? limit)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var line in JsonlReader.Read(path, limit))
        {
            var choices = line.Element("choices", JsonValueKind.Array).EnumerateArray()
                .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString()!
                    : throw EvaluationDataException.BadValue(path, line.Number, "choices", "holds a non-string"))
                .ToArray();
            if (choices.Length < 2) throw EvaluationDataException.BadValue(path, line.Number, "choices", "has fewer than 2 choices");
            int gold = JsonlReader.ParseIndex(path, line.Number, line.String("gold"), choices.Length);
            string context = template.Replace("{context}", line.String("context"));
            items.Add(MultipleChoiceItem.SharedContext(line.OptionalString("id") ?? $"{items.Count}", context, choices, gold, separator));
        }
        return items;
    }
}
