namespace ModelCompress.TestKit;

/// <summary>
/// The shared test data folder: <c>MODELCOMPRESS_DATA</c>, else <c>../shared/data</c> beside the repository.
/// Missing data fails the test with a message naming the path; data-dependent tests are never skipped.
/// </summary>
public static class SharedData
{
    private const string Hint = "Set MODELCOMPRESS_DATA to the shared data folder.";

    private static readonly Lazy<string> Resolved = new(Resolve);

    /// <summary>The absolute path of the data folder; throws <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static string Root => Resolved.Value;

    /// <summary>The llama.c stories260K checkpoint.</summary>
    public static string Stories260K => Path("models", "stories260K", "stories260K.bin");

    /// <summary>The 512-token SentencePiece model of stories260K.</summary>
    public static string Tok512 => Path("models", "stories260K", "tok512.model");

    /// <summary>A file or folder below the data folder; throws <see cref="FileNotFoundException"/> when it is missing.</summary>
    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine([Root, .. parts]));
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Test data '{path}' is missing. {Hint}");
        return path;
    }

    private static string Resolve()
    {
        string folder = Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") is { Length: > 0 } env
            ? env
            : System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "data");
        folder = System.IO.Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Test data folder '{folder}' is missing. {Hint}");
        return folder;
    }
}
