using System.Text.Json;

namespace ModelCompress.Core.Publishing;

/// <summary>
/// <c>published.json</c> in a run folder: the URLs the run was published to, so a later report (e.g. <c>publish --github</c>
/// after GitHub refused) can still link the published copy. It is local bookkeeping: never uploaded, and gone when a new
/// run replaces the folder.
/// </summary>
public static class PublishedRecord
{
    public const string FileName = "published.json";

    public static IReadOnlyList<string> Read(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<List<string>>(File.ReadAllText(path)) ?? [] : [];
    }

    /// <summary>Adds <paramref name="url"/> (once), writing to a temporary file then renaming it into place.</summary>
    public static void Add(string runDir, string url)
    {
        var urls = Read(runDir).ToList();
        if (urls.Contains(url, StringComparer.Ordinal)) return;
        urls.Add(url);
        AtomicFile.WriteAllText(Path.Combine(runDir, FileName), JsonSerializer.Serialize(urls, JsonDefaults.Indented));
    }
}
