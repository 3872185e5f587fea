using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Content-addressed stage outputs: each stage's output folder is keyed by a hash of its input's key, its options, the
/// data it reads and the tool version. A folder exists only once complete (written under a temporary name, then renamed),
/// so a crash never leaves a half-written output that a later run would trust. The first complete output of a key wins, so
/// jobs sharing one cache folder never replace each other's outputs.
/// </summary>
public sealed class StageCache(string root)
{
    public string Root { get; } = root;

    public string PathOf(string key) => Path.Combine(Root, key[..24]);

    public bool Contains(string key) => File.Exists(Path.Combine(PathOf(key), "stage.json"));

    /// <summary>A resumable working folder for long stages (fine-tuning checkpoints); it survives crashes.</summary>
    public string WorkFolder(string key) => PathOf(key) + ".work";

    /// <summary>Returns the stage's output folder, running <paramref name="produce"/> into a fresh folder when not cached.</summary>
    public (string Folder, bool Cached) GetOrRun(string key, JsonObject description, Action<string> produce)
    {
        string folder = PathOf(key);
        if (Contains(key)) return (folder, true);
        using (var staging = new StagingFolder(folder))
        {
            produce(staging.Staging);
            description["key"] = key;
            File.WriteAllText(Path.Combine(staging.Staging, "stage.json"), description.ToJsonString(JsonDefaults.Indented));
            // Another job sharing a persistent cache may have finished the same stage meanwhile: its complete output stays
            // (replacing it could pull it from under that job); ours is discarded with the staging folder.
            if (!Contains(key)) staging.Commit();
        }
        if (Directory.Exists(WorkFolder(key))) Directory.Delete(WorkFolder(key), recursive: true);
        return (folder, false);
    }
}
