using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>PIQA: <c>valid.jsonl</c> (<c>goal</c>, <c>sol1</c>, <c>sol2</c>) with labels 0/1 one per line in a separate file.
/// Prompt <c>Question: {goal}\nAnswer:</c>, continuations <c>" " + sol</c>; the doc is <c>baber/piqa</c>'s row
/// (goal, sol1, sol2, label).</summary>
public static class PiqaReader
{
    public static IReadOnlyList<MultipleChoiceItem> Read(string path, string labelsPath, int? limit)
    {
        var lines = JsonlReader.Read(path, limit).ToList();
        var labels = JsonlReader.ReadLabels(labelsPath);
        if (labels.Count < lines.Count) throw EvaluationDataException.CountMismatch(labelsPath, lines.Count, labels.Count, "labels");
        return lines.Select((line, i) =>
        {
            string[] choices = [line.String("sol1"), line.String("sol2")];
            int gold = JsonlReader.ParseIndex(labelsPath, labels[i].Line, labels[i].Label, 2);
            var doc = new JsonObject { ["goal"] = line.String("goal"), ["sol1"] = choices[0], ["sol2"] = choices[1], ["label"] = gold };
            string prompt = $"Question: {line.String("goal")}\nAnswer:";
            return MultipleChoiceItem.SharedContext(line.OptionalString("id") ?? $"{i}", prompt, choices, gold) with { Doc = doc };
        }).ToList();
    }
}
