using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>One tensor's place in a safetensors file; offsets are relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    /// <summary>Number of elements (the product of the shape).</summary>
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reads a safetensors file lazily: the header is parsed on open, each tensor's bytes are read on demand straight into
/// tensor memory, so a file is never held whole in memory.
/// Format: u64 little-endian header length N, N bytes of JSON header, then the raw little-endian data.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100_000_000;
    private readonly SafeFileHandle handle;
    private readonly long dataStart;
    private readonly Dictionary<string, SafetensorsEntry> byName;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, List<SafetensorsEntry> entries,
                            Dictionary<string, string> metadata)
    {
        Path = path;
        this.handle = handle;
        this.dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        byName = entries.ToDictionary(e => e.Name);
    }

    public string Path { get; }
    /// <summary>Entries in data order.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }
    /// <summary>The <c>__metadata__</c> block (e.g. <c>{"format": "pt"}</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public SafetensorsEntry this[string name] => byName[name];
    public bool Contains(string name) => byName.ContainsKey(name);

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw CheckpointException.MissingFile(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[8];
            if (fileLength < 8 || RandomAccess.Read(handle, prefix, 0) != 8)
                throw CheckpointException.BadSafetensors(path, "shorter than its 8-byte header length");
            long headerLength = BitConverter.ToInt64(prefix);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > fileLength)
                throw CheckpointException.BadSafetensors(path, $"header length {headerLength} does not fit a file of {fileLength} bytes");
            var header = new byte[headerLength];
            RandomAccess.Read(handle, header, 8);
            var (entries, metadata) = ParseHeader(path, header, fileLength - 8 - headerLength);
            return new SafetensorsFile(path, handle, 8 + headerLength, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor's raw bytes into <paramref name="destination"/> (exactly its byte length).</summary>
    public void ReadInto(SafetensorsEntry entry, Span<byte> destination)
    {
        if (destination.Length != entry.ByteLength)
            throw new ArgumentException($"buffer of {destination.Length} bytes for '{entry.Name}' of {entry.ByteLength} bytes");
        int done = 0;
        while (done < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[done..], dataStart + entry.Begin + done);
            if (n == 0) throw CheckpointException.BadSafetensors(Path, $"tensor '{entry.Name}' is truncated");
            done += n;
        }
    }

    /// <summary>A new CPU tensor with the entry's dtype, shape and bytes.</summary>
    public Tensor Read(SafetensorsEntry entry)
    {
        var tensor = empty(entry.Shape, entry.DType.ToScalarType());
        ReadInto(entry, tensor.bytes);
        return tensor;
    }

    /// <summary>Bytes that <see cref="CopyTo"/> has copied inside the kernel (file to file, no buffer) so far.</summary>
    public long KernelCopiedBytes => Interlocked.Read(ref kernelCopied);
    private long kernelCopied;

    /// <summary>
    /// Copies a tensor's raw bytes to <paramref name="output"/> without interpreting them (for streaming copies). Into a
    /// <see cref="FileStream"/>, the bytes go file to file inside the kernel where it can (<see cref="FileRangeCopy"/>, unless
    /// <paramref name="kernelCopy"/> is false); otherwise, and for whatever the kernel did not copy, through one pooled buffer.
    /// </summary>
    public void CopyTo(SafetensorsEntry entry, Stream output, bool kernelCopy = true)
    {
        long done = 0;
        if (kernelCopy && FileRangeCopy.Available && output is FileStream { CanSeek: true } file)
        {
            var destination = file.SafeFileHandle; // flushes the stream's buffered bytes first
            done = FileRangeCopy.Copy(handle, dataStart + entry.Begin, destination, file.Position, entry.ByteLength);
            file.Seek(done, SeekOrigin.Current);
            Interlocked.Add(ref kernelCopied, done);
        }
        if (done == entry.ByteLength) return;
        // One pooled 16 MiB buffer, not a fresh allocation per tensor (a 2.4 GB prune spent its time in page faults).
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(entry.ByteLength - done, 16 << 20));
        try
        {
            while (done < entry.ByteLength)
            {
                int chunk = (int)Math.Min(buffer.Length, entry.ByteLength - done);
                ReadInto(entry with { Begin = entry.Begin + done, End = entry.Begin + done + chunk }, buffer.AsSpan(0, chunk));
                output.Write(buffer, 0, chunk);
                done += chunk;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (List<SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw CheckpointException.BadSafetensors(path, $"header is not JSON ({e.Message})"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw CheckpointException.BadSafetensors(path, "header is not a JSON object");
        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>();
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == "__metadata__")
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                    throw CheckpointException.BadSafetensors(path, "__metadata__ is not an object");
                foreach (var m in property.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                        : throw CheckpointException.BadSafetensors(path, $"__metadata__ value '{m.Name}' is not a string");
                continue;
            }
            entries.Add(ParseEntry(path, property));
        }
        if (entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw CheckpointException.BadSafetensors(path, $"tensor '{twice.Key}' is listed twice");
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin != expected)
                throw CheckpointException.BadSafetensors(path, $"tensor '{e.Name}' starts at {e.Begin}, expected {expected}");
            if (e.Begin > e.End || Bytes(e) != e.ByteLength)
                throw CheckpointException.BadSafetensors(
                    path, $"tensor '{e.Name}' has {e.ByteLength} bytes for shape [{string.Join(", ", e.Shape)}] of {e.DType}");
            expected = e.End;
        }
        if (expected != dataLength)
            throw CheckpointException.BadSafetensors(path, $"data section is {dataLength} bytes but tensors cover {expected}");
        return (entries, metadata);
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty property)
    {
        var v = property.Value;
        string name = property.Name;
        if (v.ValueKind != JsonValueKind.Object)
            throw CheckpointException.BadSafetensors(path, $"tensor '{name}' is not described by an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
            || !TensorDTypes.TryParse(dt.GetString()!, out var dtype))
            throw CheckpointException.BadSafetensors(path, $"tensor '{name}' has a missing or unsupported dtype");
        if (!v.TryGetProperty("shape", out var shape) || !v.TryGetProperty("data_offsets", out var offsets)
            || shape.ValueKind != JsonValueKind.Array || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw CheckpointException.BadSafetensors(path, $"tensor '{name}' lacks shape or data_offsets");
        long[] dims = Integers(path, name, "shape", shape), range = Integers(path, name, "data_offsets", offsets);
        return new SafetensorsEntry(name, dtype, dims, range[0], range[1]);
    }

    private static long[] Integers(string path, string name, string field, JsonElement array) =>
        array.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out long x) && x >= 0 ? x
            : throw CheckpointException.BadSafetensors(path, $"tensor '{name}' has a {field} entry that is not a non-negative integer"))
            .ToArray();

    /// <summary>The bytes the entry's shape and dtype need, or -1 when that overflows (a corrupt shape).</summary>
    private static long Bytes(SafetensorsEntry e)
    {
        try { return checked(e.Shape.Aggregate(1L, (a, d) => checked(a * d)) * e.DType.Size()); }
        catch (OverflowException) { return -1; }
    }

    public void Dispose() => handle.Dispose();
}
