using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// AI2 question files (ARC-Easy, ARC-Challenge, OpenBookQA): <c>question.stem</c>, <c>question.choices[{text,label}]</c>,
/// <c>answerKey</c> (a label: A-E or 1-5). ARC's prompt is <c>Question: {stem}\nAnswer:</c>, OpenBookQA's the bare stem
/// (lm-evaluation-harness 0.4); the continuation is <c>" " + choice</c>. Each item's doc is the row as the Hugging Face
/// datasets hold it (<c>allenai/ai2_arc</c>: id, question, choices {text, label}, answerKey; <c>allenai/openbookqa</c>:
/// question_stem in place of question).
/// </summary>
public static class ArcReader
{
    public static IReadOnlyList<MultipleChoiceItem> ReadArc(string path, int? limit) =>
        Read(path, limit, stem => $"Question: {stem}\nAnswer:", "question");

    public static IReadOnlyList<MultipleChoiceItem> ReadOpenBookQa(string path, int? limit) =>
        Read(path, limit, stem => stem, "question_stem");

    private static List<MultipleChoiceItem> Read(string path, int? limit, Func<string, string> prompt, string questionField)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var line in JsonlReader.Read(path, limit))
        {
            var question = line.Element("question", JsonValueKind.Object);
            var q = line with { Json = question };
            string stem = q.String("stem");
            var choices = q.Element("choices", JsonValueKind.Array).EnumerateArray()
                .Select(c => (Text: (line with { Json = c }).String("text"), Label: (line with { Json = c }).String("label"))).ToList();
            if (choices.Count < 2)
                throw EvaluationDataException.BadValue(path, line.Number, "question.choices", "has fewer than 2 choices");
            string key = line.String("answerKey");
            int gold = choices.FindIndex(c => c.Label == key);
            if (gold < 0) throw EvaluationDataException.LabelOutOfRange(path, line.Number, key, choices.Count);
            string id = line.OptionalString("id") ?? $"{items.Count}";
            var doc = new JsonObject
            {
                ["id"] = id, [questionField] = stem,
                ["choices"] = new JsonObject
                {
                    ["text"] = new JsonArray([.. choices.Select(c => (JsonNode)c.Text)]),
                    ["label"] = new JsonArray([.. choices.Select(c => (JsonNode)c.Label)]),
                },
                ["answerKey"] = key,
            };
            items.Add(MultipleChoiceItem.SharedContext(id, prompt(stem), choices.Select(c => c.Text).ToArray(), gold) with { Doc = doc });
        }
        return items;
    }
}
