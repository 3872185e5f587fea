using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>BoolQ (<c>passage</c>, <c>question</c>, <c>label</c> true/false, "true"/"false" or 0/1): prompt
/// <c>{passage}\nQuestion: {question}?\nAnswer:</c>, continuations <c>" no"</c>, <c>" yes"</c>; the doc is
/// <c>super_glue/boolq</c>'s row (question, passage, idx, label).</summary>
public static class BoolQReader
{
    public static IReadOnlyList<MultipleChoiceItem> Read(string path, int? limit)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var line in JsonlReader.Read(path, limit))
        {
            if (!line.Json.TryGetProperty("label", out var label) && !line.Json.TryGetProperty("answer", out label))
                throw EvaluationDataException.MissingField(path, line.Number, "label");
            int gold = label.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                JsonValueKind.String when label.GetString() is "true" or "True" => 1,
                JsonValueKind.String when label.GetString() is "false" or "False" => 0,
                _ => JsonlReader.ParseIndex(path, line.Number, label.ToString(), 2),
            };
            string context = $"{line.String("passage")}\nQuestion: {line.String("question")}?\nAnswer:";
            var doc = new JsonObject
            {
                ["question"] = line.String("question"), ["passage"] = line.String("passage"), ["idx"] = items.Count, ["label"] = gold,
            };
            items.Add(MultipleChoiceItem.SharedContext(line.OptionalString("idx") ?? $"{items.Count}", context, ["no", "yes"], gold) with
            {
                Doc = doc,
            });
        }
        return items;
    }
}
