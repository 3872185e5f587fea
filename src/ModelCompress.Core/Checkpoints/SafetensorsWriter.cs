using System.Text.Json;
using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>A tensor to be written: its header fields and a callback that writes exactly <see cref="ByteLength"/> bytes.</summary>
public sealed record TensorToWrite(string Name, TensorDType DType, long[] Shape, Action<Stream> WriteData)
{
    public long ByteLength => Shape.Aggregate(1L, (a, d) => a * d) * DType.Size();

    /// <summary>Writes a tensor's bytes (copied to the CPU and made contiguous one tensor at a time).</summary>
    public static TensorToWrite From(string name, Tensor tensor) =>
        new(name, TensorDTypes.FromScalarType(tensor.dtype), tensor.shape, stream =>
        {
            using var scope = NewDisposeScope();
            var cpuTensor = tensor.detach().cpu().contiguous();
            stream.Write(cpuTensor.bytes);
        });

    /// <summary>
    /// Streams a tensor from another safetensors file without decoding it; file to file inside the kernel where it can
    /// (see <see cref="SafetensorsFile.CopyTo"/>), through a buffer when <paramref name="kernelCopy"/> is false.
    /// </summary>
    public static TensorToWrite From(string name, SafetensorsFile file, SafetensorsEntry entry, bool kernelCopy = true) =>
        new(name, entry.DType, entry.Shape, stream => file.CopyTo(entry, stream, kernelCopy));
}

/// <summary>
/// Writes safetensors files the way the reference implementation does: tensors ordered by dtype (widest first) then name,
/// a compact JSON header with <c>__metadata__</c> first, padded with spaces to a multiple of 8 bytes.
/// The file is written under a temporary name and renamed when complete.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderByDescending(t => t.DType).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        byte[] header = Header(ordered, metadata);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(BitConverter.GetBytes((long)header.Length));
            stream.Write(header);
            foreach (var t in ordered)
            {
                long before = stream.Position;
                t.WriteData(stream);
                if (stream.Position - before != t.ByteLength)
                    throw new InvalidOperationException(
                        $"tensor '{t.Name}' wrote {stream.Position - before} bytes, expected {t.ByteLength}");
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    private static byte[] Header(List<TensorToWrite> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer,
                   new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (long d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += t.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
