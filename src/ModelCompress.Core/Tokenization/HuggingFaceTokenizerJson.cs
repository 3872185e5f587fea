using System.Text.Json;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is BPE: either byte-level (GPT-2, Llama-3, Qwen) or
/// SentencePiece-style with "▁" spaces and byte fallback (Llama-2, Mistral). BOS/EOS come from the
/// <c>tokenizer_config.json</c> beside it when present, else from well-known added-token names.
/// </summary>
internal static class HuggingFaceTokenizerJson
{
    private static readonly string[] BosNames = ["<|begin_of_text|>", "<s>", "<|startoftext|>"];
    private static readonly string[] EosNames = ["<|end_of_text|>", "</s>", "<|endoftext|>"];

    public static ITokenizer Load(string path)
    {
        if (!File.Exists(path)) throw TokenizerException.NotFound(path, "tokenizer.json");
        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            return Build(path, doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw TokenizerException.Malformed(path, e.Message, e);
        }
    }

    private static ITokenizer Build(string path, JsonElement root)
    {
        JsonElement model = root.GetProperty("model");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "BPE") throw TokenizerException.Unsupported(path, $"model.type '{type}' (only BPE is implemented).");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => ReadMerge(path, m)).ToList();
        var added = root.TryGetProperty("added_tokens", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(x => new AddedToken(x.GetProperty("content").GetString()!, x.GetProperty("id").GetInt32(),
                x.TryGetProperty("special", out var s) && s.GetBoolean())).ToList()
            : [];
        var (bos, eos) = ReadBosEos(path, added);
        JsonElement pre = Child(root, "pre_tokenizer"), normalizer = Child(root, "normalizer");

        var byteLevel = Components(pre).Concat(Components(Child(root, "decoder"))).FirstOrDefault(c => TypeOf(c) == "ByteLevel");
        if (byteLevel.ValueKind == JsonValueKind.Object)
            return HuggingFaceBpeSettings.BuildByteLevel(path, model, vocab, merges, added, pre, normalizer, bos, eos);
        return HuggingFaceBpeSettings.BuildSentencePiece(path, model, vocab, merges, added, pre, normalizer, bos, eos);
    }

    /// <summary>A merge is either "left right" or ["left", "right"].</summary>
    private static (string, string) ReadMerge(string path, JsonElement merge)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            string[] parts = merge.GetString()!.Split(' ');
            if (parts.Length == 2) return (parts[0], parts[1]);
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
        {
            return (merge[0].GetString()!, merge[1].GetString()!);
        }
        throw TokenizerException.Malformed(path, $"merge {merge.GetRawText()} is neither \"a b\" nor [\"a\", \"b\"].");
    }

    private static (string? Bos, string? Eos) ReadBosEos(string path, List<AddedToken> added)
    {
        string configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json");
        string? bos = added.Select(x => x.Content).FirstOrDefault(BosNames.Contains);
        string? eos = added.Select(x => x.Content).FirstOrDefault(EosNames.Contains);
        if (!File.Exists(configPath)) return (bos, eos);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
            if (doc.RootElement.TryGetProperty("bos_token", out var b)) bos = TokenName(b);
            if (doc.RootElement.TryGetProperty("eos_token", out var e)) eos = TokenName(e);
            return (bos, eos);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw TokenizerException.Malformed(configPath, e.Message, e);
        }
    }

    /// <summary>A config token is a string, an object with "content", or null.</summary>
    private static string? TokenName(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Object => e.GetProperty("content").GetString(),
        _ => null,
    };

    internal static JsonElement Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var c) ? c : default;

    internal static string? TypeOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) ? t.GetString() : null;

    /// <summary>The element itself, or the members of a "Sequence" (pretokenizers / normalizers / decoders).</summary>
    internal static IEnumerable<JsonElement> Components(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return [];
        if (TypeOf(e) != "Sequence") return [e];
        foreach (string key in new[] { "pretokenizers", "normalizers", "decoders" })
            if (e.TryGetProperty(key, out var list)) return list.EnumerateArray().SelectMany(Components).ToList();
        return [];
    }
}
