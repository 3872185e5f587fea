namespace ModelCompress.Integration.Tests;

/// <summary>The repository root, found above the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelCompressTool.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ModelCompressTool.sln not found above the test assembly.");
    }
}
