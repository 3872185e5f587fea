using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// sha256 of files, folders and key text: a file's is remembered by (path, size, modification time) in a small JSON file, so
/// a multi-gigabyte model is read once, not on every run. These feed the stage keys and the manifest's inputs.
/// </summary>
public sealed class ContentHasher(string memoFile)
{
    private readonly Dictionary<string, string> memo = Load(memoFile);

    /// <summary>sha256 of a file's bytes (hex).</summary>
    public string FileHash(string path)
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

    /// <summary>The content hash of a folder: sha256 of every file's relative path and <see cref="FileHash"/>, in ordinal order.</summary>
    public string FolderHash(string path)
    {
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"{path}: folder not found.");
        var lines = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(path, f).Replace('\\', '/'), File: f))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => $"{f.Relative}\t{FileHash(f.File)}");
        return TextHash(string.Join("\n", lines));
    }

    /// <summary>sha256 of a text's UTF-8 bytes (hex): what a stage key is.</summary>
    public static string TextHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

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
