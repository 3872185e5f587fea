namespace ModelCompress.Core.Tokenization;

/// <summary>Finds and loads the tokenizer of a Hugging Face model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>
    /// Loads <c>tokenizer.json</c> from <paramref name="dir"/> when present, else the SentencePiece <c>tokenizer.model</c>.
    /// </summary>
    /// <exception cref="TokenizerException">The folder has neither file, or the file is malformed or unsupported.</exception>
    public static ITokenizer FromFolder(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        if (!Directory.Exists(dir)) throw TokenizerException.NotFound(dir, "Model folder");
        string json = Path.Combine(dir, "tokenizer.json"), model = Path.Combine(dir, "tokenizer.model");
        var tokenizer = File.Exists(json) ? FromHuggingFaceJson(json)
            : File.Exists(model) ? SentencePieceTokenizer.Load(model)
            : throw TokenizerException.NotFound(dir, "tokenizer.json or tokenizer.model in model folder");
        FitsModel(dir, tokenizer, File.Exists(json) ? json : model);
        return tokenizer;
    }

    /// <summary>A tokenizer with ids beyond the model's embedding table would index past it: refuse the pair.</summary>
    private static void FitsModel(string dir, ITokenizer tokenizer, string file)
    {
        string config = Path.Combine(dir, "config.json");
        if (!File.Exists(config) || JsonInput.ReadObject(config)["vocab_size"] is not System.Text.Json.Nodes.JsonValue v
            || !v.TryGetValue(out int vocab)) return;
        if (tokenizer.VocabSize > vocab)
            throw TokenizerException.Malformed(file, $"it has {tokenizer.VocabSize} tokens but config.json's vocab_size is {vocab}; " +
                "the tokenizer belongs to another model", null);
    }

    /// <summary>
    /// Loads a Hugging Face <c>tokenizer.json</c> with a BPE model: byte-level (Llama-3, Qwen, GPT-2) or
    /// SentencePiece-style with byte fallback (Llama-2, Mistral). BOS/EOS are read from <c>tokenizer_config.json</c>
    /// beside it when present.
    /// </summary>
    /// <exception cref="TokenizerException">The file is missing, malformed or of an unsupported kind.</exception>
    public static ITokenizer FromHuggingFaceJson(string path) => HuggingFaceTokenizerJson.Load(path);
}
