using System.Text.Json.Nodes;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// The one writer of Hugging Face model folders, for save, prune and the fine-tune export: the safetensors file(s) (sharded
/// with an index above the shard size), config.json, the tokenizer, generation and licence files of a source folder (a
/// redistributed Llama must carry its LICENSE and USE_POLICY.md: <see cref="IsLicenceFile"/>), then any extra files.
/// Everything is written under a temporary name and renamed into place, so the folder appears complete or not at all.
/// </summary>
public static class HfFolderWriter
{
    /// <summary>Tokenizer and generation files copied alongside the weights when a model is written.</summary>
    public static readonly IReadOnlyList<string> SideFiles =
    [
        "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "vocab.json", "merges.txt", "generation_config.json",
    ];

    /// <summary>
    /// Writes <paramref name="tensors"/> (each produced or streamed when written, in the order given) and
    /// <paramref name="config"/> to <paramref name="folder"/>, replacing any folder there. <paramref name="sideFilesFrom"/>
    /// gives the tokenizer files; <paramref name="extraFiles"/> may add files (a report) before the folder appears.
    /// </summary>
    public static void Write(string folder, IReadOnlyList<TensorToWrite> tensors, JsonObject config, string? sideFilesFrom = null,
                             long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes, Action<string>? extraFiles = null)
    {
        using var staging = new StagingFolder(folder);
        CheckpointWriter.Write(staging.Staging, tensors, maxShardBytes);
        File.WriteAllText(Path.Combine(staging.Staging, "config.json"), config.ToJsonString(JsonDefaults.Indented));
        if (sideFilesFrom is not null) CopySideFiles(sideFilesFrom, staging.Staging);
        extraFiles?.Invoke(staging.Staging);
        staging.Commit();
    }

    /// <summary>Copies the tokenizer, generation and licence files that exist in <paramref name="from"/>.</summary>
    public static void CopySideFiles(string from, string to)
    {
        foreach (string name in SideFiles)
        {
            string source = Path.Combine(from, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(to, name), overwrite: true);
        }
        CopyLicenceFiles(from, to);
    }

    /// <summary>Copies the licence and notice files of <paramref name="from"/> (<see cref="IsLicenceFile"/>), names kept.</summary>
    public static IReadOnlyList<string> CopyLicenceFiles(string from, string to, bool overwrite = true)
    {
        var names = LicenceFiles(from);
        foreach (string name in names)
        {
            string target = Path.Combine(to, name);
            if (overwrite || !File.Exists(target)) File.Copy(Path.Combine(from, name), target, overwrite: true);
        }
        return names;
    }

    /// <summary>The licence and notice files directly in <paramref name="folder"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> LicenceFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName).OfType<string>().Where(IsLicenceFile).Order(StringComparer.Ordinal)];

    /// <summary>
    /// A licence or notice file, by name and in any case: LICENSE, LICENCE, COPYING, NOTICE or USE_POLICY, bare or with a
    /// .txt, .md or .rst extension, or followed by a suffix (LICENSE-APACHE, LICENSE_llama3.1.txt).
    /// </summary>
    public static bool IsLicenceFile(string name)
    {
        string upper = name.ToUpperInvariant();
        string stem = Path.GetExtension(upper) is "" or ".TXT" or ".MD" or ".RST" ? Path.GetFileNameWithoutExtension(upper) : upper;
        return LicenceStems.Any(s => stem == s || stem.StartsWith(s + "-", StringComparison.Ordinal)
                                                 || stem.StartsWith(s + "_", StringComparison.Ordinal));
    }

    private static readonly string[] LicenceStems = ["LICENSE", "LICENCE", "COPYING", "NOTICE", "USE_POLICY"];
}
