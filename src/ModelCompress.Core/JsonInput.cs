using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Core;

/// <summary>
/// Reads JSON files the user supplies (config.json, tokenizer.json, task files, indexes): a syntax error becomes an
/// <see cref="InvalidInputException"/> naming the file, the line and column, and what to do, instead of a reader exception.
/// </summary>
public static class JsonInput
{
    /// <summary>Parses <paramref name="path"/> and requires a JSON object at its top.</summary>
    public static JsonObject ReadObject(string path) => ParseObject(InputText.Read(path, "JSON file"), path);

    /// <summary>Parses <paramref name="json"/> from <paramref name="source"/> and requires a JSON object at its top.</summary>
    public static JsonObject ParseObject(string json, string source) =>
        Parse(json, source) as JsonObject ?? throw new InvalidInputException($"{source}: expected a JSON object at the top of the file.");

    /// <summary>Parses <paramref name="json"/>; a syntax error names <paramref name="source"/>:line:column (1-based).</summary>
    public static JsonNode? Parse(string json, string source)
    {
        try { return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e) { throw Invalid(source, e); }
    }

    /// <summary>The error for a syntax error at the reader's position.</summary>
    public static InvalidInputException Invalid(string source, JsonException e)
    {
        string reason = e.Message;
        int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut];
        string at = e.LineNumber is { } line ? $":{line + 1}:{(e.BytePositionInLine ?? 0) + 1}" : "";
        return new InvalidInputException($"{source}{at}: not valid JSON: {reason.TrimEnd('.')}. " +
                                         "Fix the file (a truncated copy is the usual cause: copy or download it again).");
    }
}
