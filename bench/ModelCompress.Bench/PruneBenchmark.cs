using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Pruning;

namespace ModelCompress.Bench;

/// <summary>
/// The streaming-prune benchmark's two commands:
/// <list type="bullet">
/// <item><c>make-checkpoint --out DIR [--layers 24] [--hidden 2048] [--intermediate 5632] [--heads 32] [--kv-heads 8]
/// [--vocab 32000] [--shard-bytes 500000000] [--seed 42]</c>: writes a random bf16 Llama as a sharded HF folder WITHOUT
/// building a model: every tensor's bytes are produced while it is written (<see cref="TensorToWrite"/> callbacks), from one
/// 8 MiB pool of N(0, 0.02) bf16 values, so memory stays at a few tens of MB whatever the checkpoint size. The defaults
/// are TinyLlama-1.1B's shapes with 24 layers: 1.19 G parameters, 2.37 GB.</item>
/// <item><c>prune --in DIR --out DIR [--fraction 0.25]</c>: times <see cref="CheckpointPruner.Prune"/> removing the last
/// <c>round(fraction × layers)</c> layers ("reverse-order") and prints seconds, bytes read/written, GB/s and peak RSS.</item>
/// </list>
/// </summary>
internal static class PruneBenchmark
{
    private const int PoolBytes = 8 << 20;

    public static JsonObject MakeCheckpoint(Args a)
    {
        string output = a.Required("--out");
        int layers = a.Int("--layers", 24), hidden = a.Int("--hidden", 2048), intermediate = a.Int("--intermediate", 5632);
        int heads = a.Int("--heads", 32), kvHeads = a.Int("--kv-heads", 8), vocab = a.Int("--vocab", 32000);
        long shardBytes = a.Long("--shard-bytes", 500_000_000), seed = a.Long("--seed", 42);
        bool tied = a.Str("--tied", "false") == "true";
        string tokenizer = a.Str("--tokenizer-from", MakeModelCommand.DefaultTokenizerFolder);
        a.Done();

        var watch = Stopwatch.StartNew();
        byte[] pool = RandomBf16Pool(seed);
        int kvDim = hidden / heads * kvHeads;
        var tensors = new List<TensorToWrite> { Random("model.embed_tokens.weight", [vocab, hidden], pool) };
        for (int i = 0; i < layers; i++)
        {
            string p = $"model.layers.{i}.";
            tensors.Add(Ones(p + "input_layernorm.weight", hidden));
            tensors.Add(Ones(p + "post_attention_layernorm.weight", hidden));
            tensors.Add(Random(p + "self_attn.q_proj.weight", [hidden, hidden], pool));
            tensors.Add(Random(p + "self_attn.k_proj.weight", [kvDim, hidden], pool));
            tensors.Add(Random(p + "self_attn.v_proj.weight", [kvDim, hidden], pool));
            tensors.Add(Random(p + "self_attn.o_proj.weight", [hidden, hidden], pool));
            tensors.Add(Random(p + "mlp.gate_proj.weight", [intermediate, hidden], pool));
            tensors.Add(Random(p + "mlp.up_proj.weight", [intermediate, hidden], pool));
            tensors.Add(Random(p + "mlp.down_proj.weight", [hidden, intermediate], pool));
        }
        tensors.Add(Ones("model.norm.weight", hidden));
        if (!tied) tensors.Add(Random("lm_head.weight", [vocab, hidden], pool));

        using var staging = new StagingFolder(output);
        var files = CheckpointWriter.Write(staging.Staging, tensors, shardBytes);
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["vocab_size"] = vocab,
            ["hidden_size"] = hidden,
            ["intermediate_size"] = intermediate,
            ["num_hidden_layers"] = layers,
            ["num_attention_heads"] = heads,
            ["num_key_value_heads"] = kvHeads,
            ["rms_norm_eps"] = 1e-5,
            ["rope_theta"] = 10000.0,
            ["max_position_embeddings"] = 2048,
            ["tie_word_embeddings"] = tied,
            ["torch_dtype"] = "bfloat16",
        };
        File.WriteAllText(Path.Combine(staging.Staging, "config.json"), config.ToJsonString(JsonDefaults.Indented));
        if (File.Exists(Path.Combine(tokenizer, "tokenizer.model"))) HfFolderWriter.CopySideFiles(tokenizer, staging.Staging);
        staging.Commit();
        long bytes = tensors.Sum(t => t.ByteLength);
        return new JsonObject
        {
            ["command"] = "make-checkpoint",
            ["out"] = Path.GetFullPath(output),
            ["layers"] = layers,
            ["params"] = bytes / 2,
            ["tensor_bytes"] = bytes,
            ["files"] = files.Count,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
        };
    }

    public static JsonObject Prune(Args a)
    {
        string input = a.Required("--in"), output = a.Required("--out");
        double fraction = a.Double("--fraction", 0.25);
        a.Done();

        int layers = ModelCompress.Core.Model.LlamaConfig.Load(input).NumHiddenLayers;
        int remove = (int)Math.Round(fraction * layers, MidpointRounding.AwayFromZero);
        var removed = Enumerable.Range(layers - remove, remove).ToArray();   // reverse-order: the last layers go
        long inputBytes = FolderBytes(input);
        double rssBefore = ProcessStats.CurrentRssMb();
        var watch = Stopwatch.StartNew();
        var report = CheckpointPruner.Prune(input, output, removed, "reverse-order");
        watch.Stop();
        long outputBytes = FolderBytes(output);
        double s = watch.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["benchmark"] = "prune-stream",
            ["layers"] = layers,
            ["removed"] = new JsonArray(removed.Select(i => (JsonNode)i).ToArray()),
            ["kept_layers"] = report.KeptLayers.Count,
            ["input_bytes"] = inputBytes,
            ["output_bytes"] = outputBytes,
            ["seconds"] = Math.Round(s, 3),
            ["read_gb_per_s"] = Math.Round(inputBytes / s / 1e9, 3),
            ["written_gb_per_s"] = Math.Round(outputBytes / s / 1e9, 3),
            ["rss_before_mb"] = Math.Round(rssBefore, 1),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
            ["peak_rss_fraction_of_input"] = Math.Round(ProcessStats.PeakRssMb() * 1024 * 1024 / inputBytes, 4),
        };
    }

    private static long FolderBytes(string folder) => Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length);

    /// <summary>8 MiB of bf16 values ~ N(0, 0.02) (Box–Muller, truncated fp32 → bf16), from a seeded generator.</summary>
    private static byte[] RandomBf16Pool(long seed)
    {
        var random = new Random((int)seed);
        var pool = new byte[PoolBytes];
        for (int i = 0; i < PoolBytes; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            float value = (float)(0.02 * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            BinaryPrimitives.WriteUInt16LittleEndian(pool.AsSpan(i), (ushort)(BitConverter.SingleToUInt32Bits(value) >> 16));
        }
        return pool;
    }

    /// <summary>A bf16 tensor whose bytes are the pool, cycled from an offset that depends on the name.</summary>
    private static TensorToWrite Random(string name, long[] shape, byte[] pool) =>
        new(name, TensorDType.BF16, shape, stream =>
        {
            long total = shape.Aggregate(1L, (x, d) => x * d) * 2;
            int offset = (int)((uint)StringComparer.Ordinal.GetHashCode(name) % (PoolBytes / 2)) * 2 % PoolBytes;
            for (long done = 0; done < total;)
            {
                int chunk = (int)Math.Min(PoolBytes - offset, total - done);
                stream.Write(pool, offset, chunk);
                done += chunk;
                offset = 0;
            }
        });

    private static TensorToWrite Ones(string name, int size) =>
        new(name, TensorDType.BF16, [size], stream =>
        {
            var bytes = new byte[size * 2];
            for (int i = 0; i < size; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), 0x3F80); // 1.0
            stream.Write(bytes);
        });
}
