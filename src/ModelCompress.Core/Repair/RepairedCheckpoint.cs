using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Pruning;
using static TorchSharp.torch;

namespace ModelCompress.Core.Repair;

/// <summary>
/// Writes a repaired model: the pruned model's folder with some tensors edited, same keys, shapes, dtypes, shards and
/// config.json, plus its pruning.json and the new repair.json. The folder appears complete or not at all.
/// </summary>
internal static class RepairedCheckpoint
{
    // Every tensor streams from the pruned model; edited ones are read, changed in float64 and written back in their own dtype.
    public static void Write(RepairRequest request, Dictionary<string, Func<Tensor, Tensor>> edits, RepairReport report)
    {
        using var reader = CheckpointReader.Open(request.Student);
        var tensors = new List<TensorToWrite>();
        foreach (var file in reader.Files)
        {
            foreach (var entry in file.Entries)
            {
                if (!edits.TryGetValue(entry.Name, out var edit)) { tensors.Add(TensorToWrite.From(entry.Name, file, entry)); continue; }
                tensors.Add(new TensorToWrite(entry.Name, entry.DType, entry.Shape, stream =>
                {
                    using var scope = NewDisposeScope();
                    var weight = file.Read(entry);
                    stream.Write(edit(weight).to(weight.dtype).contiguous().bytes);
                }));
            }
        }
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(request.Student, "config.json")))!;
        // Sharded stays sharded at about the same size; a single file stays single up to the usual 5 GB (as prune).
        long shard = reader.Files.Count > 1 ? reader.Files.Max(f => f.Entries.Sum(e => e.ByteLength))
            : CheckpointWriter.DefaultMaxShardBytes;
        HfFolderWriter.Write(request.Output, tensors, config, request.Student, shard, folder =>
        {
            string pruning = Path.Combine(request.Student, PruningReport.FileName);
            if (File.Exists(pruning)) File.Copy(pruning, Path.Combine(folder, PruningReport.FileName));
            File.WriteAllText(Path.Combine(folder, RepairReport.FileName), report.ToJson());
        });
    }
}
