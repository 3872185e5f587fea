namespace ModelCompress.TestKit;

/// <summary>The repository root (the folder holding ModelCompressTool.sln), found above the test assembly.</summary>
public static class RepoPaths
{
    /// <summary>The absolute path of the repository root.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path below the repository root, e.g. <c>Of("samples", "CompressModelSample")</c>.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelCompressTool.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ModelCompressTool.sln not found above the test assembly.");
    }
}
