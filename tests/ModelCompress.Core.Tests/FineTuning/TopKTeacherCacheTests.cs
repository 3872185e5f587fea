using System.Buffers.Binary;
using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

[Collection(GlobalRngCollection.Name)]
public sealed class TopKTeacherCacheTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly TrainingExample[] Examples = [new([1, 4, 5, 6], 2), new([1, 7, 8], 0), new([1, 9, 10, 11, 12], 4)];

    // Distinct values per example and position, including extremes a float must keep exactly.
    private static TopKBlock Block(TrainingExample e, int k)
    {
        int n = e.LabelCount, seed = e.Ids[1];
        return new TopKBlock([.. Enumerable.Range(0, n * k).Select(i => seed * 100 + i)],
            [.. Enumerable.Range(0, n * k).Select(i => -i / 7f - seed)],
            [.. Enumerable.Range(0, n).Select(i => i == 0 ? DistillationLoss.LogZero : -i * 0.1f)]);
    }

    [Fact]
    public void WriteThenRead_ExactBytesAndValues_ReusedOnlyForTheSameFingerprint()
    {
        const int k = 3;
        string path = temp["topk.bin"];
        var fingerprint = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        TopKTeacherCache.Write(path, fingerprint, k, Examples, 2, chunk => [.. chunk.Select(e => Block(e, k))]);

        var bytes = File.ReadAllBytes(path);
        int positions = Examples.Sum(e => e.LabelCount);                                  // 1 + 2 + 0 = 3
        Assert.Equal(56 + positions * (8 * k + 4), bytes.Length);
        Assert.Equal("MCTOPK01"u8.ToArray(), bytes[..8]);
        Assert.Equal(fingerprint, bytes[8..40]);
        Assert.Equal((k, Examples.Length, (long)positions),
            (BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(44)),
             BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(48))));
        Assert.Equal(400, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(56)));       // example 0's first index (seed 4)
        Assert.Empty(Directory.GetFiles(temp.Path, "*.tmp"));

        LlamaForCausalLM NoTeacher() => throw new InvalidOperationException("the stored file should have been reused");
        using (var cache = TopKTeacherCache.Open(path, fingerprint, Examples, k, 1.0, NoTeacher, 2, NullProgress.Instance))
        {
            Assert.Equal((k, 0), (cache.K, cache.TeacherPasses));
            foreach (var e in Examples)
            {
                var (read, want) = (cache.Read(e), Block(e, k));
                Assert.Equal(want.Indices, read.Indices);
                Assert.Equal(want.LogP, read.LogP);
                Assert.Equal(want.TailLogP, read.TailLogP);
            }
        }
        var other = (byte[])fingerprint.Clone();
        other[0] ^= 1;
        var progress = NullProgress.Instance;
        Assert.Throws<InvalidOperationException>(() => TopKTeacherCache.Open(path, other, Examples, k, 1.0, NoTeacher, 2, progress));
        var fewer = Examples[..2];
        Assert.Throws<InvalidOperationException>(() => TopKTeacherCache.Open(path, fingerprint, fewer, k, 1.0, NoTeacher, 2, progress));
    }

    [Fact]
    public void Built_HoldsTheTeachersTopKOfEveryLabelPosition()   // one example a forward, as compared here
    {
        using var teacher = FineTuneModel.Create(TinyModels.Config(), FineTuneMethod.Full, new LoraSettings(), CPU, ScalarType.Float32,
                                                 seed: 3);
        InitWeights(teacher);
        string path = temp["built.bin"];
        using var cache = TopKTeacherCache.Open(path, new byte[32], Examples, 5, 2.0, () => Detached(teacher), 1, NullProgress.Instance);
        Assert.Equal((5, Examples.Length), (cache.K, cache.TeacherPasses));
        using var noGrad = no_grad();
        foreach (var e in Examples.Where(e => e.LabelCount > 0))
        {
            var (ids, _) = Batch.Collate([e], CPU);
            var (indices, logP, tail) = DistillationLoss.TeacherTopK(Batch.LabelRows(teacher.forward(ids), [e]), 5, 2.0);
            var read = cache.Read(e);
            Assert.Equal(indices.to(ScalarType.Int32).data<int>().ToArray(), read.Indices);
            Assert.Equal(logP.data<float>().ToArray(), read.LogP);
            Assert.Equal(tail.data<float>().ToArray(), read.TailLogP);
        }
    }

    private static void InitWeights(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in model.named_parameters()) p.copy_(randn_like(p) * 0.5);
    }

    // Open disposes the model it loads; the test keeps its own to compare against.
    private static LlamaForCausalLM Detached(LlamaForCausalLM model)
    {
        var copy = FineTuneModel.Create(TinyModels.Config(), FineTuneMethod.Full, new LoraSettings(), CPU, ScalarType.Float32);
        using var noGrad = no_grad();
        var source = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in copy.named_parameters()) p.copy_(source[name]);
        return copy;
    }
}
