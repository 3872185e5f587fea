using System.Text.Json;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>Reads JSON Lines files one object per non-blank line, with errors naming the file and 1-based line.</summary>
public static class JsonlReader
{
    /// <summary>One parsed line: its 1-based number and its object.</summary>
    public readonly record struct Line(string Path, int Number, JsonElement Json)
    {
        /// <summary>A required string field (numbers are accepted and rendered as text).</summary>
        public string String(string field) => Json.TryGetProperty(field, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            _ => throw EvaluationDataException.BadValue(Path, Number, field, $"is {v.ValueKind}, not a string"),
        } : throw EvaluationDataException.MissingField(Path, Number, field);

        /// <summary>An optional string field.</summary>
        public string? OptionalString(string field) =>
            Json.TryGetProperty(field, out var v) && v.ValueKind is not JsonValueKind.Null ? String(field) : null;

        /// <summary>A required object or array field.</summary>
        public JsonElement Element(string field, JsonValueKind kind) =>
            Json.TryGetProperty(field, out var v)
                ? v.ValueKind == kind ? v : throw EvaluationDataException.BadValue(Path, Number, field, $"is {v.ValueKind}, not {kind}")
                : throw EvaluationDataException.MissingField(Path, Number, field);
    }

    /// <summary>Yields the file's objects; stops after <paramref name="limit"/> lines when given.</summary>
    public static IEnumerable<Line> Read(string path, int? limit = null)
    {
        if (!File.Exists(path)) throw EvaluationDataException.MissingFile(path, "JSON Lines benchmark file");
        int number = 0, yielded = 0;
        foreach (string text in InputText.Lines(path, "benchmark file"))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (limit is int l && yielded >= l) yield break;
            JsonElement json;
            try { json = JsonDocument.Parse(text).RootElement; }
            catch (JsonException e) { throw EvaluationDataException.Malformed(path, number, $"not valid JSON ({e.Message})"); }
            if (json.ValueKind != JsonValueKind.Object) throw EvaluationDataException.Malformed(path, number, "not a JSON object");
            yielded++;
            yield return new Line(path, number, json);
        }
        if (yielded == 0 && limit is not 0) throw EvaluationDataException.Empty(path);
    }

    /// <summary>Reads a labels file (one integer per line, as PIQA's <c>valid-labels.lst</c>) with its line numbers.</summary>
    public static IReadOnlyList<(int Line, string Label)> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw EvaluationDataException.MissingFile(path, "labels file");
        return InputText.Lines(path, "labels file").Select((text, i) => (i + 1, text.Trim())).Where(x => x.Item2.Length > 0).ToList();
    }

    /// <summary>
    /// Parses <paramref name="label"/> as an index in [0, <paramref name="choices"/>) after subtracting <paramref name="offset"/>.
    /// </summary>
    public static int ParseIndex(string path, int line, string label, int choices, int offset = 0) =>
        int.TryParse(label, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v)
        && v - offset >= 0 && v - offset < choices
            ? v - offset
            : throw EvaluationDataException.LabelOutOfRange(path, line, label, choices);
}
