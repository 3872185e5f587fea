namespace ModelCompress.Integration.Tests;

/// <summary>The shared data folder (<c>MODELCOMPRESS_DATA</c>, else ../shared/data beside the repository); missing data fails loudly.</summary>
public static class SharedData
{
    public static string Root { get; } = Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") is { Length: > 0 } env
        ? System.IO.Path.GetFullPath(env) : System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoPaths.Root, "..", "shared", "data"));

    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.Combine([Root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Test data '{path}' is missing. Set MODELCOMPRESS_DATA to the shared data folder.");
        return path;
    }
}
