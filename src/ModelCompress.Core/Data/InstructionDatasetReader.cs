using System.Text;
using System.Text.Json;

namespace ModelCompress.Core.Data;

/// <summary>Reads Alpaca JSON, Dolly JSONL and generic prompt/completion JSONL files into <see cref="InstructionRecord"/>s.</summary>
public static class InstructionDatasetReader
{
    /// <summary>Reads every record of <paramref name="path"/>; throws <see cref="DatasetException"/> naming line and field.</summary>
    public static IReadOnlyList<InstructionRecord> Read(string path, DataFormat format)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found.", path);
        var records = format switch
        {
            DataFormat.Alpaca => ReadAlpaca(path),
            DataFormat.Dolly => ReadJsonLines(path, "instruction", "context", "response"),
            DataFormat.Jsonl => ReadJsonLines(path, "prompt", null, "completion"),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "plain text is read by TextWindows"),
        };
        if (records.Count == 0) throw DatasetException.Empty(path);
        return records;
    }

    private static List<InstructionRecord> ReadAlpaca(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var records = new List<InstructionRecord>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        int line = 1;
        long counted = 0;
        int LineAt(long offset)
        {
            line += bytes.AsSpan((int)counted, (int)(offset - counted)).Count((byte)'\n');
            counted = offset;
            return line;
        }
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw DatasetException.NotAnArray(path);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int at = LineAt(reader.TokenStartIndex);
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw DatasetException.BadJson(path, at, "each array element must be an object");
                using var doc = JsonDocument.ParseValue(ref reader);
                records.Add(FromObject(doc.RootElement, path, at, "instruction", "input", "output"));
            }
        }
        catch (JsonException e)
        {
            throw DatasetException.BadJson(path, (int)(e.LineNumber ?? 0) + 1, e.Message);
        }
        return records;
    }

    private static List<InstructionRecord> ReadJsonLines(string path, string prompt, string? input, string output)
    {
        var records = new List<InstructionRecord>();
        int number = 0;
        foreach (string text in InputText.Lines(path, "training data"))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException e) { throw DatasetException.BadJson(path, number, e.Message); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw DatasetException.BadJson(path, number, "each line must be a JSON object");
                records.Add(FromObject(doc.RootElement, path, number, prompt, input, output));
            }
        }
        return records;
    }

    private static InstructionRecord FromObject(JsonElement obj, string path, int line, string prompt, string? input, string output) =>
        new(Field(obj, path, line, prompt, required: true), input is null ? "" : Field(obj, path, line, input, required: false),
            Field(obj, path, line, output, required: true), line);

    private static string Field(JsonElement obj, string path, int line, string name, bool required)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return required ? throw DatasetException.MissingField(path, line, name) : "";
        if (value.ValueKind != JsonValueKind.String)
            throw DatasetException.BadField(path, line, name, $"must be a string, not {value.ValueKind.ToString().ToLowerInvariant()}");
        string text = value.GetString()!;
        if (required && text.Trim().Length == 0) throw DatasetException.BadField(path, line, name, "is empty");
        return text;
    }
}
