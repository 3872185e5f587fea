using System.Security.Cryptography;
using System.Text.Json;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Which model a scores file or pruning report belongs to: its folder, the sha256 of its config.json (not of its weights) and
/// its layer count.
/// </summary>
public sealed record ModelIdentity(string Path, string ConfigSha256, int NumHiddenLayers)
{
    public static ModelIdentity Of(string folder)
    {
        byte[] json = File.ReadAllBytes(System.IO.Path.Combine(folder, "config.json"));
        return Of(folder, json, LlamaConfig.Load(folder));
    }

    /// <summary>The identity of <paramref name="folder"/> whose config.json was already loaded as <paramref name="config"/>.</summary>
    public static ModelIdentity Of(string folder, LlamaConfig config) =>
        Of(folder, File.ReadAllBytes(System.IO.Path.Combine(folder, "config.json")), config);

    private static ModelIdentity Of(string folder, byte[] configJson, LlamaConfig config) =>
        new(System.IO.Path.GetFullPath(folder), Convert.ToHexStringLower(SHA256.HashData(configJson)), config.NumHiddenLayers);
}

/// <summary>One layer's importance; lower means less important (removed first). For angular, Index is a block start.</summary>
public sealed record LayerScore(int Index, double Score);

/// <summary>Options recorded with scores: block-influence reduction and angular block size where they apply.</summary>
public sealed record ScoreSettings(string? BiReduction, int? BlockSize);

/// <summary>The content of scores.json.</summary>
public sealed record LayerScores(
    string Metric, ModelIdentity Model, CalibrationInfo? Calibration, ScoreSettings Settings,
    IReadOnlyList<LayerScore> Layers, IReadOnlyList<int> RemovalOrder)
{
    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Indented);

    public static LayerScores Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: scores file not found.");
        try
        {
            return JsonSerializer.Deserialize<LayerScores>(File.ReadAllText(path), JsonDefaults.Indented)
                   ?? throw new InvalidInputException($"{path}: empty scores file.");
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"{path}: not a scores file ({e.Message}).");
        }
    }

    /// <summary>Writes to a temporary name and renames, so a crash never leaves half a file.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Removal order for per-layer scores: ascending score, ties broken towards later layers.</summary>
    public static int[] AscendingOrder(IReadOnlyList<double> scores) =>
        Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ThenByDescending(i => i).ToArray();
}
