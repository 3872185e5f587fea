namespace ModelCompress.TestKit;

/// <summary>
/// A new, empty temporary folder, deleted with everything in it on dispose. It converts to its path, so it can be
/// passed wherever a folder path is expected (<c>Path.Combine(temp, "model")</c>).
/// </summary>
public sealed class TempFolder(string prefix = "mc-test-") : IDisposable
{
    /// <summary>The absolute path of the folder.</summary>
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The path of <paramref name="name"/> inside the folder (not created).</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    public static implicit operator string(TempFolder folder) => folder.Path;

    public override string ToString() => Path;

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
