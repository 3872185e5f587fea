namespace ModelCompress.Core.Tokenization;

/// <summary>A tokenizer file is missing, malformed or uses a feature this library does not support.</summary>
public sealed class TokenizerException : ModelCompressException
{
    private TokenizerException(string path, string message, Exception? inner)
        : base(message, FailureKind.InvalidInput, inner) => FilePath = path;

    /// <summary>The file or folder the problem is about.</summary>
    public string FilePath { get; }

    /// <summary>The file (or folder) <paramref name="path"/> does not exist; <paramref name="what"/> says what was looked for.</summary>
    public static TokenizerException NotFound(string path, string what = "tokenizer file") =>
        new(path, $"{what} not found: '{path}'.", null);

    /// <summary>The file exists but its content cannot be read as a tokenizer.</summary>
    public static TokenizerException Malformed(string path, string problem, Exception? inner = null) =>
        new(path, $"Malformed tokenizer file '{path}': {problem}", inner);

    /// <summary>The file is well formed but describes a tokenizer kind or option that is not implemented.</summary>
    public static TokenizerException Unsupported(string path, string feature) =>
        new(path, $"Unsupported tokenizer in '{path}': {feature}", null);
}
