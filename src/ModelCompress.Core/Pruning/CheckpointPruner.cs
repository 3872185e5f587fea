using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Pruning;

/// <summary>
/// Removes decoder layers from a Hugging Face folder without building the model: tensors stream from the input
/// safetensors to the output in bounded chunks, kept layers are renumbered 0..N-1, and config.json gets the new
/// <c>num_hidden_layers</c> (and any per-layer array, such as <c>layer_types</c>, loses the removed entries).
/// The result loads in Hugging Face transformers unchanged.
/// </summary>
public static class CheckpointPruner
{
    public static PruningReport Prune(string input, string output, IReadOnlyCollection<int> removed, string method,
                                      IReadOnlyList<LayerScore>? scores = null, IProgressSink? progress = null)
    {
        var config = LlamaConfig.Load(input);
        int layers = config.NumHiddenLayers;
        if (removed.Count == 0) throw new InvalidInputException("no layers to remove; remove at least one.");
        if (removed.Any(i => i < 0 || i >= layers))
            throw new InvalidInputException(
                $"layer {removed.First(i => i < 0 || i >= layers)} is out of range; the model has layers 0..{layers - 1}.");
        var kept = Enumerable.Range(0, layers).Except(removed).ToArray();
        if (kept.Length == 0)
            throw new InvalidInputException($"removing all {layers} layers leaves no model; at least one layer must remain.");
        var newIndex = kept.Select((source, i) => (source, i)).ToDictionary(p => p.source, p => p.i);

        using var reader = CheckpointReader.Open(input);
        TensorInventory.Check(config, reader);
        var tensors = new List<TensorToWrite>();
        long before = 0, after = 0;
        foreach (var file in reader.Files)
        {
            foreach (var entry in file.Entries)
            {
                long count = entry.Elements;
                before += count;
                int? layer = LayerKeys.LayerOf(entry.Name);
                if (layer is int l && !newIndex.ContainsKey(l)) continue;
                after += count;
                string name = layer is int k ? LayerKeys.WithLayer(entry.Name, newIndex[k]) : entry.Name;
                tensors.Add(TensorToWrite.From(name, file, entry));
            }
        }

        var report = new PruningReport(ModelIdentity.Of(input, config), method, [.. removed.Order()], kept, layers, kept.Length,
            before, after, scores, ToolInfo.Version);
        using (var task = (progress ?? NullProgress.Instance).Start("writing pruned checkpoint", tensors.Count, "tensors"))
        {
            var counted = tensors.Select(t => t with { WriteData = s => { t.WriteData(s); task.Advance(1); } }).ToList();
            HfFolderWriter.Write(output, counted, PrunedConfig(config, removed), input, ShardSize(reader),
                folder => File.WriteAllText(Path.Combine(folder, PruningReport.FileName), report.ToJson()));
        }
        return report;
    }

    // A sharded input keeps shards of about the same size; a single file stays single up to the usual 5 GB.
    private static long ShardSize(CheckpointReader reader) =>
        reader.Files.Count > 1
            ? reader.Files.Max(f => f.Entries.Sum(e => e.ByteLength))
            : CheckpointWriter.DefaultMaxShardBytes;

    private static JsonObject PrunedConfig(LlamaConfig config, IReadOnlyCollection<int> removed)
    {
        var json = config.WithLayerCount(config.NumHiddenLayers - removed.Count).Json;
        foreach (var (key, value) in json.ToList())
        {
            if (value is JsonArray array && array.Count == config.NumHiddenLayers)
                json[key] = new JsonArray(array.Where((_, i) => !removed.Contains(i)).Select(v => v?.DeepClone()).ToArray());
        }
        return json;
    }
}
