using System.Text;
using ModelCompress.Core.Checkpoints;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Checkpoints;

public sealed class SafetensorsTests
{
    public static TheoryData<ScalarType> DTypes => new()
    {
        ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16, ScalarType.Float64,
        ScalarType.Int64, ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    };

    private static Tensor Sample(ScalarType dtype, long seed)
    {
        var g = new Generator((ulong)seed);
        var values = randn([3, 5, 7], generator: g) * 100;
        return dtype == ScalarType.Bool ? values.gt(0) : values.to(dtype);
    }

    [Theory]
    [MemberData(nameof(DTypes))]
    public void RoundTrip_IsByteExact(ScalarType dtype)
    {
        using var temp = new TempFolder();
        using var a = Sample(dtype, 1);
        using var b = Sample(dtype, 2);
        SafetensorsWriter.Write(temp["first.safetensors"], [TensorToWrite.From("b.weight", b), TensorToWrite.From("a.weight", a)],
            CheckpointWriter.PtMetadata);
        using (var file = SafetensorsFile.Open(temp["first.safetensors"]))
        {
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(["a.weight", "b.weight"], file.Entries.Select(e => e.Name));
            using var readA = file.Read(file["a.weight"]);
            Assert.Equal(dtype, readA.dtype);
            Assert.Equal(a.bytes.ToArray(), readA.bytes.ToArray());
            SafetensorsWriter.Write(temp["second.safetensors"], file.Entries.Select(e => TensorToWrite.From(e.Name, file, e)), file.Metadata);
        }
        Assert.Equal(File.ReadAllBytes(temp["first.safetensors"]), File.ReadAllBytes(temp["second.safetensors"]));
    }

    [Fact]
    public void StreamedCopy_GoesThroughTheKernelOnLinux_AndWritesTheBufferedPathsBytes()
    {
        using var temp = new TempFolder();
        var g = new Generator(5);
        // Odd sizes, and one tensor larger than the 16 MiB copy buffer.
        using var big = randint(0, 256, [(17 << 20) + 3], dtype: ScalarType.Byte, generator: g);
        using var f32 = Sample(ScalarType.Float32, 3);
        using var bf16 = Sample(ScalarType.BFloat16, 4);
        SafetensorsWriter.Write(temp["source.safetensors"],
            [TensorToWrite.From("big", big), TensorToWrite.From("f32", f32), TensorToWrite.From("bf16", bf16)], CheckpointWriter.PtMetadata);
        using var file = SafetensorsFile.Open(temp["source.safetensors"]);
        long total = file.Entries.Sum(e => e.ByteLength);
        void Copy(string name, Func<int, bool> kernel) => SafetensorsWriter.Write(temp[name],
            file.Entries.Select((e, i) => TensorToWrite.From(e.Name, file, e, kernel(i))), file.Metadata);

        Copy("buffered.safetensors", _ => false);
        Assert.Equal(0, file.KernelCopiedBytes);
        Copy("kernel.safetensors", _ => true);
        Assert.Equal(OperatingSystem.IsLinux() ? total : 0, file.KernelCopiedBytes);
        Copy("mixed.safetensors", i => i % 2 == 1);   // kernel copies between buffered writes: the stream's position stays right

        var source = File.ReadAllBytes(temp["source.safetensors"]);
        Assert.Equal(source, File.ReadAllBytes(temp["buffered.safetensors"]));
        Assert.Equal(source, File.ReadAllBytes(temp["kernel.safetensors"]));
        Assert.Equal(source, File.ReadAllBytes(temp["mixed.safetensors"]));
    }

    [Fact]
    public void Write_HeaderIsCompactPaddedAndOrderedLikeTheReferenceWriter()
    {
        using var temp = new TempFolder();
        using var f32 = ones(2, dtype: ScalarType.Float32);
        using var bf16 = ones(3, dtype: ScalarType.BFloat16);
        using var i64 = ones(1, dtype: ScalarType.Int64);
        SafetensorsWriter.Write(temp["x.safetensors"],
            [TensorToWrite.From("z", bf16), TensorToWrite.From("y", f32), TensorToWrite.From("x", i64)], CheckpointWriter.PtMetadata);
        var bytes = File.ReadAllBytes(temp["x.safetensors"]);
        long n = BitConverter.ToInt64(bytes, 0);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.Equal(0, (8 + n) % 8);
        Assert.Equal("""{"__metadata__":{"format":"pt"},"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"z":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}""",
            header.TrimEnd(' '));
        Assert.Equal(8 + n + 22, bytes.Length);
    }

    [Fact]
    public void Open_TruncatedFile_FailsNamingTheFile()
    {
        using var temp = new TempFolder();
        using var t = ones(4);
        SafetensorsWriter.Write(temp["ok.safetensors"], [TensorToWrite.From("t", t)]);
        var bytes = File.ReadAllBytes(temp["ok.safetensors"]);
        File.WriteAllBytes(temp["bad.safetensors"], bytes[..^4]);
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(temp["bad.safetensors"]));
        Assert.Contains("bad.safetensors: not a valid safetensors file: data section is 12 bytes but tensors cover 16", error.Message);
    }
}
