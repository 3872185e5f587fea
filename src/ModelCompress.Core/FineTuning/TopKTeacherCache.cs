using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>The teacher's top K at each label position of one example (n = its label count, row-major).</summary>
public sealed record TopKBlock(int[] Indices, float[] LogP, float[] TailLogP);

/// <summary>
/// <c>teacher_cache: topk</c>: a first pass runs the teacher once over every example (training and validation) and stores, per
/// label position, its K most likely tokens, their log-probabilities at T and the log of the remaining mass
/// (<see cref="DistillationLoss.TeacherTopK"/>); training then reads them instead of running the teacher. File layout
/// (little-endian): "MCTOPK01", the 32-byte fingerprint, int32 K, int32 examples, int64 positions, then per example in order
/// int32 indices (n·K), float32 log-probabilities (n·K), float32 tail log-masses (n). Written to a temporary name and renamed,
/// so a file that exists is complete; one whose fingerprint or size does not match is rebuilt.
/// </summary>
public sealed class TopKTeacherCache : ITeacher
{
    /// <summary>The file's name in a run's checkpoint (work) folder.</summary>
    public const string FileName = "teacher-topk.bin";

    private const int HeaderBytes = 8 + 32 + 4 + 4 + 8;
    private static readonly byte[] Magic = "MCTOPK01"u8.ToArray();
    private readonly SafeFileHandle file;
    private readonly Dictionary<TrainingExample, long> offsets = new(ReferenceEqualityComparer.Instance);
    private readonly double temperature;

    private TopKTeacherCache(string path, int k, IReadOnlyList<TrainingExample> examples, double temperature, int passes)
    {
        (K, this.temperature, TeacherPasses) = (k, temperature, passes);
        long offset = HeaderBytes;
        foreach (var e in examples)
        {
            offsets.TryAdd(e, offset);
            offset += BlockBytes(e.LabelCount, k);
        }
        file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>Positions stored per example: the top K (at most the vocabulary size).</summary>
    public int K { get; }

    public int TeacherPasses { get; }

    /// <summary>
    /// Opens <paramref name="path"/> when it holds these examples for <paramref name="fingerprint"/>; otherwise builds it with
    /// the model <paramref name="loadTeacher"/> returns (disposed afterwards), <paramref name="microBatch"/> examples a forward.
    /// </summary>
    public static TopKTeacherCache Open(string path, byte[] fingerprint, IReadOnlyList<TrainingExample> examples, int k,
                                        double temperature, Func<LlamaForCausalLM> loadTeacher, int microBatch, IProgressSink progress)
    {
        if (Matches(path, fingerprint, examples) is int stored)
        {
            progress.Message($"finetune: reusing the teacher's top-{stored} logits in {path}");
            return new TopKTeacherCache(path, stored, examples, temperature, 0);
        }
        using var teacher = loadTeacher();
        int kept = Math.Min(k, teacher.Config.VocabSize);
        using var task = progress.Start($"teacher top-{kept} logits", examples.Count, "examples");
        Write(path, fingerprint, kept, examples, microBatch, chunk =>
        {
            var blocks = Compute(teacher, chunk, kept, temperature);
            task.Advance(chunk.Count);
            return blocks;
        });
        return new TopKTeacherCache(path, kept, examples, temperature, examples.Count);
    }

    /// <summary>
    /// Writes the file for <paramref name="examples"/> (in order) atomically: <paramref name="compute"/> gives the blocks of up to
    /// <paramref name="chunk"/> examples at a time.
    /// </summary>
    public static void Write(string path, byte[] fingerprint, int k, IReadOnlyList<TrainingExample> examples, int chunk,
                             Func<IReadOnlyList<TrainingExample>, IReadOnlyList<TopKBlock>> compute)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(fingerprint);
            writer.Write(k);
            writer.Write(examples.Count);
            writer.Write(examples.Sum(e => (long)e.LabelCount));
            foreach (var part in examples.Chunk(chunk))
            {
                var blocks = compute(part);
                for (int i = 0; i < part.Length; i++)
                {
                    var (block, n) = (blocks[i], part[i].LabelCount);
                    if (block.Indices.Length != n * k || block.LogP.Length != n * k || block.TailLogP.Length != n)
                        throw new InvalidOperationException($"top-K block {i} does not hold {n} positions of {k}.");
                    writer.Write(MemoryMarshal.AsBytes(block.Indices.AsSpan()));
                    writer.Write(MemoryMarshal.AsBytes(block.LogP.AsSpan()));
                    writer.Write(MemoryMarshal.AsBytes(block.TailLogP.AsSpan()));
                }
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The stored block of one example.</summary>
    public TopKBlock Read(TrainingExample example)
    {
        long offset = offsets[example];
        int n = example.LabelCount;
        var block = new TopKBlock(new int[n * K], new float[n * K], new float[n]);
        RandomAccess.Read(file, MemoryMarshal.AsBytes(block.Indices.AsSpan()), offset);
        RandomAccess.Read(file, MemoryMarshal.AsBytes(block.LogP.AsSpan()), offset + n * K * 4L);
        RandomAccess.Read(file, MemoryMarshal.AsBytes(block.TailLogP.AsSpan()), offset + n * K * 8L);
        return block;
    }

    public Tensor SumKd(IReadOnlyList<TrainingExample> examples, Tensor studentLogits)
    {
        using var scope = NewDisposeScope();
        var blocks = examples.Select(Read).ToList();
        long n = examples.Sum(e => (long)e.LabelCount);
        var device = studentLogits.device;
        var indices = tensor(blocks.SelectMany(b => b.Indices).ToArray(), [n, K], device: device).to(ScalarType.Int64);
        var logP = tensor(blocks.SelectMany(b => b.LogP).ToArray(), [n, K], device: device);
        var tail = tensor(blocks.SelectMany(b => b.TailLogP).ToArray(), [n], device: device);
        var student = Batch.LabelRows(studentLogits, examples);                                        // (N, V)
        return DistillationLoss.SumTopK(student, indices, logP, tail, temperature).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What the stored numbers depend on: the teacher, K, T, the teacher's dtype and device kind, and every example in order.
    /// </summary>
    public static byte[] Fingerprint(string teacherId, int k, double temperature, string teacherDType, string device,
                                     IReadOnlyList<TrainingExample> examples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"topk-v1\n{teacherId}\n{k}\n{temperature:R}\n{teacherDType}\n{device}\n"));
        foreach (var e in examples)
        {
            hash.AppendData(BitConverter.GetBytes(e.PromptLength));
            hash.AppendData(BitConverter.GetBytes(e.Ids.Length));
            hash.AppendData(MemoryMarshal.AsBytes(e.Ids.AsSpan()));
        }
        return hash.GetHashAndReset();
    }

    public void Dispose() => file.Dispose();

    private static long BlockBytes(int positions, int k) => positions * (8L * k + 4);

    // The K of a complete file for these examples and this fingerprint; null when there is none.
    private static int? Matches(string path, byte[] fingerprint, IReadOnlyList<TrainingExample> examples)
    {
        if (!File.Exists(path)) return null;
        var header = new byte[HeaderBytes];
        using var stream = File.OpenRead(path);
        if (stream.Length < HeaderBytes) return null;
        stream.ReadExactly(header);
        int k = BitConverter.ToInt32(header, 40);
        long positions = examples.Sum(e => (long)e.LabelCount);
        bool same = header.AsSpan(0, 8).SequenceEqual(Magic) && header.AsSpan(8, 32).SequenceEqual(fingerprint) && k >= 1
                    && BitConverter.ToInt32(header, 44) == examples.Count && BitConverter.ToInt64(header, 48) == positions
                    && stream.Length == HeaderBytes + examples.Sum(e => BlockBytes(e.LabelCount, k));
        return same ? k : null;
    }

    // The teacher's top K at the label positions of a chunk, one block per example.
    private static List<TopKBlock> Compute(LlamaForCausalLM teacher, IReadOnlyList<TrainingExample> chunk, int k, double temperature)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        teacher.eval();
        var (ids, _) = Batch.Collate(chunk, teacher.Model.Embedding.Weight.device);
        var rows = Batch.LabelRows(teacher.forward(ids), chunk);                                        // (N, V)
        var (indices, logP, tail) = DistillationLoss.TeacherTopK(rows, k, temperature);
        var allIndices = indices.to(ScalarType.Int32).cpu().data<int>().ToArray();
        var allLogP = logP.cpu().data<float>().ToArray();
        var allTail = tail.cpu().data<float>().ToArray();
        var blocks = new List<TopKBlock>(chunk.Count);
        int row = 0;
        foreach (var e in chunk)
        {
            int n = e.LabelCount;
            blocks.Add(new TopKBlock(allIndices[(row * k)..((row + n) * k)], allLogP[(row * k)..((row + n) * k)], allTail[row..(row + n)]));
            row += n;
        }
        return blocks;
    }
}
