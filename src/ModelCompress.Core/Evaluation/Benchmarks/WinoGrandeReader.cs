using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// WinoGrande (<c>sentence</c> with one <c>_</c>, <c>option1</c>, <c>option2</c>, <c>answer</c> "1"/"2"; or the answers in a
/// separate labels file) with partial scoring (Sakaguchi et al.; lm-evaluation-harness): each option fills the blank to
/// form a context, and only the text after the blank, <c>" " + rest.Trim()</c>, is scored given each context. The doc is
/// <c>allenai/winogrande</c>'s row (sentence, option1, option2, answer "1"/"2").
/// </summary>
public static class WinoGrandeReader
{
    public static IReadOnlyList<MultipleChoiceItem> Read(string path, string? labelsPath, int? limit)
    {
        var lines = JsonlReader.Read(path, limit).ToList();
        var labels = labelsPath is not null && File.Exists(labelsPath) ? JsonlReader.ReadLabels(labelsPath) : null;
        if (labels is not null && labels.Count < lines.Count)
            throw EvaluationDataException.CountMismatch(labelsPath!, lines.Count, labels.Count, "labels");
        return lines.Select((line, i) =>
        {
            string sentence = line.String("sentence");
            int blank = sentence.IndexOf('_');
            if (blank < 0) throw EvaluationDataException.BadValue(path, line.Number, "sentence", "has no '_' blank");
            int gold = labels is null
                ? JsonlReader.ParseIndex(path, line.Number, line.String("answer"), 2, offset: 1)
                : JsonlReader.ParseIndex(labelsPath!, labels[i].Line, labels[i].Label, 2, offset: 1);
            string[] options = [line.String("option1"), line.String("option2")];
            var doc = new JsonObject
            {
                ["sentence"] = sentence, ["option1"] = options[0], ["option2"] = options[1], ["answer"] = $"{gold + 1}",
            };
            return Partial(line.OptionalString("qID") ?? $"{i}", sentence, options, gold) with { Doc = doc };
        }).ToList();
    }

    /// <summary>The partial-scoring item of one sentence: contexts <c>sentence[..blank] + option</c>, shared continuation.</summary>
    public static MultipleChoiceItem Partial(string id, string sentence, IReadOnlyList<string> options, int gold)
    {
        int blank = sentence.IndexOf('_');
        string continuation = " " + sentence[(blank + 1)..].Trim();
        var contexts = options.Select(o => sentence[..blank] + o).ToArray();
        return new MultipleChoiceItem(id, contexts.Select(c => new ChoiceRequest(c, continuation)).ToArray(), contexts, gold);
    }
}
