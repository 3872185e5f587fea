using System.Text.Json.Nodes;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// The tensors of a Hugging Face model folder: one <c>model.safetensors</c>, or shards listed by
/// <c>model.safetensors.index.json</c>. Files are opened once and read lazily.
/// </summary>
public sealed class CheckpointReader : IDisposable
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";
    private readonly Dictionary<string, SafetensorsFile> byTensor = new(StringComparer.Ordinal);
    private readonly List<SafetensorsFile> files = [];

    private CheckpointReader(string folder) => Folder = folder;

    public string Folder { get; }

    /// <summary>All tensor names, in file order.</summary>
    public IEnumerable<string> Names => files.SelectMany(f => f.Entries.Select(e => e.Name));

    public IReadOnlyList<SafetensorsFile> Files => files;

    public static CheckpointReader Open(string folder)
    {
        var reader = new CheckpointReader(folder);
        try
        {
            string index = Path.Combine(folder, IndexFile);
            if (File.Exists(index)) reader.OpenShards(index);
            else reader.Add(SafetensorsFile.Open(Path.Combine(folder, SingleFile)));
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => byTensor.ContainsKey(name);

    /// <summary>The file and entry holding <paramref name="name"/>.</summary>
    public (SafetensorsFile File, SafetensorsEntry Entry) Locate(string name) =>
        byTensor.TryGetValue(name, out var file) ? (file, file[name]) : throw CheckpointException.MissingKeys([name]);

    private void OpenShards(string index)
    {
        var weightMap = JsonInput.ReadObject(index)["weight_map"] as JsonObject
                        ?? throw CheckpointException.BadConfig(index, "missing 'weight_map'");
        foreach (var (tensor, shard) in weightMap)
            if (shard is not JsonValue v || !v.TryGetValue(out string? file) || file.Length == 0 || Path.GetFileName(file) != file)
                throw CheckpointException.BadConfig(index, $"weight_map entry '{tensor}' must name a shard file in the same folder");
        var shardNames = weightMap.Select(p => p.Value!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal);
        foreach (string shard in shardNames) Add(SafetensorsFile.Open(Path.Combine(Folder, shard)));
        foreach (var (tensor, shard) in weightMap)
            if (!byTensor.TryGetValue(tensor, out var file) || Path.GetFileName(file.Path) != shard!.GetValue<string>())
                throw CheckpointException.BadConfig(index, $"weight_map names '{tensor}' in {shard} but that shard does not hold it");
    }

    private void Add(SafetensorsFile file)
    {
        files.Add(file);
        foreach (var e in file.Entries)
            if (!byTensor.TryAdd(e.Name, file))
                throw CheckpointException.BadSafetensors(file.Path, $"tensor '{e.Name}' is also in {byTensor[e.Name].Path}");
    }

    public void Dispose()
    {
        foreach (var f in files) f.Dispose();
    }
}
