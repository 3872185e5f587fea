using System.Text.Json;

namespace ModelCompress.Core.Tokenization;

/// <summary>Readers of GPT-2's <c>encoder.json</c> and <c>vocab.bpe</c>.</summary>
internal static class Gpt2BpeFiles
{
    public static Dictionary<string, int> ReadEncoder(string path)
    {
        if (!File.Exists(path)) throw TokenizerException.NotFound(path, "encoder.json");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
                ?? throw TokenizerException.Malformed(path, "the JSON is null instead of a token → id object.");
        }
        catch (JsonException e)
        {
            throw TokenizerException.Malformed(path, $"expected a JSON object of token → id: {e.Message}", e);
        }
    }

    public static List<(string Left, string Right)> ReadMerges(string path)
    {
        if (!File.Exists(path)) throw TokenizerException.NotFound(path, "vocab.bpe");
        var merges = new List<(string, string)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))) continue;
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
                throw TokenizerException.Malformed(path, $"line {lineNumber} is not a merge \"left right\".");
            merges.Add((line[..space], line[(space + 1)..]));
        }
        return merges;
    }
}
