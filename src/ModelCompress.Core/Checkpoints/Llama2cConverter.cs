using System.Text.Json.Nodes;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>The seven int32 fields at the start of a llama2.c (legacy v0) checkpoint.</summary>
public sealed record Llama2cHeader(int Dim, int HiddenDim, int Layers, int Heads, int KvHeads, int VocabSize, int SeqLen,
                                   bool SharedClassifier)
{
    public int HeadSize => Dim / Heads;
    public int KvDim => KvHeads * HeadSize;
}

/// <summary>
/// Converts a llama2.c checkpoint (fp32, legacy v0 layout) to a Hugging Face Llama folder. llama2.c rotates adjacent pairs
/// (i, i+1) of each head; Hugging Face rotates the two halves, so the rows of wq and wk are permuted per head, as in
/// transformers' own Llama conversion.
/// </summary>
public static class Llama2cConverter
{
    public static Llama2cHeader ReadHeader(BinaryReader reader, string path)
    {
        var f = new int[7];
        for (int i = 0; i < 7; i++) f[i] = reader.ReadInt32();
        var header = new Llama2cHeader(f[0], f[1], f[2], f[3], f[4], Math.Abs(f[5]), f[6], f[5] > 0);
        if (header.Dim <= 0 || header.HiddenDim <= 0 || header.Layers <= 0 || header.Heads <= 0 || header.KvHeads <= 0
            || header.VocabSize == 0 || header.SeqLen <= 0 || header.Dim % header.Heads != 0 || header.Heads % header.KvHeads != 0)
            throw CheckpointException.BadLlama2c(path, $"implausible header [{string.Join(", ", f)}]");
        return header;
    }

    /// <summary>
    /// Converts <paramref name="checkpoint"/> and its SentencePiece <paramref name="tokenizerModel"/> into
    /// <paramref name="outputFolder"/>.
    /// </summary>
    public static void Convert(string checkpoint, string tokenizerModel, string outputFolder)
    {
        if (!File.Exists(checkpoint)) throw CheckpointException.MissingFile(checkpoint);
        if (!File.Exists(tokenizerModel)) throw CheckpointException.MissingFile(tokenizerModel);
        using var stream = File.OpenRead(checkpoint);
        using var reader = new BinaryReader(stream);
        var h = ReadHeader(reader, checkpoint);
        var config = LlamaConfig.Parse(ConfigJson(h).ToJsonString(), checkpoint);
        long expectedBytes = 28 + 4L * ExpectedFloats(h);
        if (stream.Length != expectedBytes)
            throw CheckpointException.BadLlama2c(checkpoint, $"file is {stream.Length} bytes but its header implies {expectedBytes}");

        using var model = ModelFactory.Create(config, CPU, ScalarType.Float32);
        var parameters = model.state_dict();
        using (no_grad())
        {
            Tensor Next(params long[] shape)
            {
                var t = empty(shape, ScalarType.Float32);
                stream.ReadExactly(t.bytes);
                return t;
            }
            void Set(string key, Tensor t)
            {
                using (t) parameters[key].copy_(t);
            }
            void Per(string suffix, Func<Tensor, Tensor>? transform, params long[] shape)
            {
                for (int l = 0; l < h.Layers; l++)
                {
                    using var scope = NewDisposeScope();
                    var t = Next(shape);
                    parameters[$"model.layers.{l}.{suffix}"].copy_(transform is null ? t : transform(t));
                }
            }
            Set("model.embed_tokens.weight", Next(h.VocabSize, h.Dim));
            Per("input_layernorm.weight", null, h.Dim);
            Per("self_attn.q_proj.weight", w => ToHalfRotary(w, h.Heads), h.Dim, h.Dim);
            Per("self_attn.k_proj.weight", w => ToHalfRotary(w, h.KvHeads), h.KvDim, h.Dim);
            Per("self_attn.v_proj.weight", null, h.KvDim, h.Dim);
            Per("self_attn.o_proj.weight", null, h.Dim, h.Dim);
            Per("post_attention_layernorm.weight", null, h.Dim);
            Per("mlp.gate_proj.weight", null, h.HiddenDim, h.Dim);
            Per("mlp.down_proj.weight", null, h.Dim, h.HiddenDim);
            Per("mlp.up_proj.weight", null, h.HiddenDim, h.Dim);
            Set("model.norm.weight", Next(h.Dim));
            stream.Seek(2L * h.SeqLen * (h.HeadSize / 2) * 4, SeekOrigin.Current); // legacy RoPE tables
            if (!h.SharedClassifier) Set("lm_head.weight", Next(h.VocabSize, h.Dim));
        }

        string sideFiles = Directory.CreateTempSubdirectory("llama2c-tokenizer-").FullName;
        try
        {
            WriteTokenizerFiles(sideFiles, tokenizerModel, h);
            HfModelFolder.Save(model, outputFolder, sideFiles);
        }
        finally
        {
            Directory.Delete(sideFiles, recursive: true);
        }
    }

    /// <summary>(heads*D, in) with adjacent rotary pairs -> the same rows ordered as two halves per head.</summary>
    public static Tensor ToHalfRotary(Tensor w, int heads)
    {
        long rows = w.shape[0], cols = w.shape[1];
        return w.view(heads, rows / heads / 2, 2, cols).transpose(1, 2).reshape(rows, cols);
    }

    private static long ExpectedFloats(Llama2cHeader h)
    {
        long dim = h.Dim, hidden = h.HiddenDim, kv = h.KvDim, layers = h.Layers;
        long perLayer = dim + dim * dim + 2 * kv * dim + dim * dim + dim + 3 * hidden * dim;
        long ropeTables = (long)h.SeqLen * (h.HeadSize / 2) * 2;
        return (long)h.VocabSize * dim + layers * perLayer + dim + ropeTables + (h.SharedClassifier ? 0 : (long)h.VocabSize * dim);
    }

    private static JsonObject ConfigJson(Llama2cHeader h) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["hidden_size"] = h.Dim,
        ["intermediate_size"] = h.HiddenDim,
        ["num_hidden_layers"] = h.Layers,
        ["num_attention_heads"] = h.Heads,
        ["num_key_value_heads"] = h.KvHeads,
        ["vocab_size"] = h.VocabSize,
        ["max_position_embeddings"] = h.SeqLen,
        ["rms_norm_eps"] = 1e-5,
        ["rope_theta"] = 10000.0,
        ["hidden_act"] = "silu",
        ["attention_bias"] = false,
        ["tie_word_embeddings"] = h.SharedClassifier,
        ["bos_token_id"] = 1,
        ["eos_token_id"] = 2,
        ["torch_dtype"] = "float32",
    };

    private static void WriteTokenizerFiles(string folder, string tokenizerModel, Llama2cHeader h)
    {
        File.Copy(tokenizerModel, Path.Combine(folder, "tokenizer.model"));
        var tokenizerConfig = new JsonObject
        {
            ["tokenizer_class"] = "LlamaTokenizer",
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["unk_token"] = "<unk>",
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["model_max_length"] = h.SeqLen,
        };
        var special = new JsonObject { ["bos_token"] = "<s>", ["eos_token"] = "</s>", ["unk_token"] = "<unk>" };
        var generation = new JsonObject { ["bos_token_id"] = 1, ["eos_token_id"] = 2 };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), tokenizerConfig.ToJsonString(JsonDefaults.Indented));
        File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), special.ToJsonString(JsonDefaults.Indented));
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), generation.ToJsonString(JsonDefaults.Indented));
    }
}
