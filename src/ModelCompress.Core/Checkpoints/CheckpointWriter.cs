using System.Text.Json.Nodes;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// Writes tensors as Hugging Face does: one <c>model.safetensors</c>, or when the total exceeds the shard size,
/// <c>model-0000i-of-0000n.safetensors</c> files plus <c>model.safetensors.index.json</c>. Each file carries
/// <c>{"format": "pt"}</c> metadata. Tensors are assigned to shards in the order given.
/// </summary>
public static class CheckpointWriter
{
    /// <summary>Default shard size, as transformers' <c>save_pretrained</c> (5 GB).</summary>
    public const long DefaultMaxShardBytes = 5_000_000_000;

    public static readonly IReadOnlyDictionary<string, string> PtMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>Writes the safetensors file(s) into <paramref name="folder"/> (which must exist) and returns their names.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<TensorToWrite> tensors,
                                              long maxShardBytes = DefaultMaxShardBytes)
    {
        var shards = new List<List<TensorToWrite>> { new() };
        long current = 0;
        foreach (var t in tensors)
        {
            if (current > 0 && current + t.ByteLength > maxShardBytes)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(t);
            current += t.ByteLength;
        }
        if (shards.Count == 1)
        {
            SafetensorsWriter.Write(Path.Combine(folder, CheckpointReader.SingleFile), tensors, PtMetadata);
            return [CheckpointReader.SingleFile];
        }
        var names = shards.Select((_, i) => $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors").ToList();
        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            SafetensorsWriter.Write(Path.Combine(folder, names[i]), shards[i], PtMetadata);
            foreach (var t in shards[i]) weightMap[t.Name] = names[i];
        }
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = tensors.Sum(t => t.ByteLength) },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(folder, CheckpointReader.IndexFile), index.ToJsonString(JsonDefaults.Indented));
        return [.. names, CheckpointReader.IndexFile];
    }
}
