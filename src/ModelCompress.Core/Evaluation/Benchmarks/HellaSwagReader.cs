using System.Text;
using System.Text.RegularExpressions;
using ICSharpCode.SharpZipLib.BZip2;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// HellaSwag in two forms: llama.cpp's text form (<c>.txt</c> or <c>.txt.bz2</c>; 6 lines per item: context, gold 0-3, four
/// endings, already cleaned) and the original jsonl (<c>activity_label</c>, <c>ctx_a</c>, <c>ctx_b</c>, <c>endings</c>,
/// <c>label</c>), cleaned as lm-evaluation-harness does. Continuations are <c>" " + ending</c>; acc_norm is the usual figure.
/// </summary>
public static partial class HellaSwagReader
{
    public static IReadOnlyList<MultipleChoiceItem> Read(string path, int? limit) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? ReadJsonl(path, limit) : ReadText(path, limit);

    /// <summary>llama.cpp's form; bzip2-compressed when the name ends in <c>.bz2</c>.</summary>
    public static IReadOnlyList<MultipleChoiceItem> ReadText(string path, int? limit)
    {
        if (!File.Exists(path)) throw EvaluationDataException.MissingFile(path, "HellaSwag text file");
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".bz2", StringComparison.OrdinalIgnoreCase) ? new BZip2InputStream(file) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var items = new List<MultipleChoiceItem>();
        int lineNumber = 0;
        string? Next() { lineNumber++; return reader.ReadLine(); }
        while ((limit is null || items.Count < limit) && Next() is { } context)
        {
            int first = lineNumber;
            string? label = Next();
            var endings = new[] { Next(), Next(), Next(), Next() };
            if (label is null || endings.Any(e => e is null))
                throw EvaluationDataException.Malformed(path, first,
                    "incomplete item (each item is 6 lines: context, gold index, four endings)");
            int gold = JsonlReader.ParseIndex(path, first + 1, label.Trim(), 4);
            items.Add(MultipleChoiceItem.SharedContext($"{items.Count}", context, endings!, gold));
        }
        return items;
    }

    /// <summary>The original HellaSwag jsonl (e.g. <c>hellaswag_val.jsonl</c>).</summary>
    public static IReadOnlyList<MultipleChoiceItem> ReadJsonl(string path, int? limit)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var line in JsonlReader.Read(path, limit))
        {
            string context = Preprocess($"{line.String("activity_label")}: {line.String("ctx_a")} {Capitalize(line.String("ctx_b"))}");
            var endings = line.Element("endings", System.Text.Json.JsonValueKind.Array).EnumerateArray()
                .Select(e => Preprocess(e.GetString() ?? "")).ToArray();
            int gold = JsonlReader.ParseIndex(path, line.Number, line.String("label"), endings.Length);
            items.Add(MultipleChoiceItem.SharedContext(line.OptionalString("ind") ?? $"{items.Count}", context, endings, gold));
        }
        return items;
    }

    /// <summary>lm-evaluation-harness's HellaSwag clean-up: strip, " [title]" to ". ", drop other [tags], collapse double spaces.</summary>
    public static string Preprocess(string text)
    {
        text = text.Trim().Replace(" [title]", ". ");
        text = Tag().Replace(text, "");
        return text.Replace("  ", " ");
    }

    /// <summary>Python's <c>str.capitalize</c>: first character upper case, the rest lower case.</summary>
    public static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    [GeneratedRegex(@"\[.*?\]")]
    private static partial Regex Tag();
}
