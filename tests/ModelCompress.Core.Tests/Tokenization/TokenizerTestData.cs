namespace ModelCompress.Core.Tests.Tokenization;

/// <summary>Locates the shared test data (read in place, never copied) and the llama.cpp tokenizer test vectors.</summary>
internal static class TokenizerTestData
{
    private const string Separator = "\n__ggml_vocab_test__\n";

    /// <summary>$MODELCOMPRESS_DATA, else ../shared/data beside the folder holding ModelCompressTool.sln.</summary>
    public static string DataDir => LazyDataDir.Value;

    private static readonly Lazy<string> LazyDataDir = new(ResolveDataDir);

    public static string ModelPath(params string[] parts) => RequireFile(Path.Combine([DataDir, "models", .. parts]));

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

    private static string ResolveDataDir()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA");
        string dir;
        if (!string.IsNullOrEmpty(fromEnv))
        {
            dir = Path.GetFullPath(fromEnv);
        }
        else
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "ModelCompressTool.sln"))) root = root.Parent;
            Assert.True(root is not null,
                $"MODELCOMPRESS_DATA is not set and no ModelCompressTool.sln was found above '{AppContext.BaseDirectory}'.");
            dir = Path.GetFullPath(Path.Combine(root!.FullName, "..", "shared", "data"));
        }
        Assert.True(Directory.Exists(dir), $"Test data folder not found: '{dir}'. Set MODELCOMPRESS_DATA to the shared data folder.");
        return dir;
    }
}
