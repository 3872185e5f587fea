using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// sha256 of files and folders, remembered by (path, size, modification time) in a small JSON file so a multi-gigabyte
/// model is read once, not on every run.
/// </summary>
public sealed class ContentHasher(string memoFile)
{
    private readonly Dictionary<string, string> memo = Load(memoFile);

    public string File(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: file not found.", path);
        string id = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        if (memo.TryGetValue(id, out string? known)) return known;
        using var stream = info.OpenRead();
        string hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        memo[id] = hash;
        Save();
        return hash;
    }

    /// <summary>Hash of a folder: every file's relative path and content hash, in ordinal order.</summary>
    public string Folder(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"{path}: folder not found.");
        var lines = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(path, f).Replace('\\', '/'), File: f))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => $"{f.Relative}\t{File(f.File)}");
        return Text(string.Join("\n", lines));
    }

    public static string Text(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Dictionary<string, string> Load(string path)
    {
        try
        {
            return System.IO.File.Exists(path)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(System.IO.File.ReadAllText(path)) ?? []
                : [];
        }
        catch (JsonException) { return []; }
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(memoFile)!);
        AtomicFile.WriteAllText(memoFile, JsonSerializer.Serialize(memo));
    }
}
