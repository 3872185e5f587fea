using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>The benchmark model: a random ~100M-parameter Llama (hidden 768, 12 layers, GQA 12/4, MLP 2048, vocab 32k, untied).</summary>
internal static class BenchModel
{
    public const int Vocab = 32000;

    public static LlamaConfig Config(int layers = 12) => LlamaConfig.Parse($$"""
        {
          "model_type": "llama",
          "vocab_size": {{Vocab}},
          "hidden_size": 768,
          "intermediate_size": 2048,
          "num_hidden_layers": {{layers}},
          "num_attention_heads": 12,
          "num_key_value_heads": 4,
          "rms_norm_eps": 1e-5,
          "rope_theta": 10000.0,
          "max_position_embeddings": 2048,
          "tie_word_embeddings": false
        }
        """, "bench config");

    public static ScalarType DType(string name) => name == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;

    /// <summary>Builds and randomizes the model on the CPU and puts it in eval mode.</summary>
    public static LlamaForCausalLM Create(BenchOptions o)
    {
        var model = ModelFactory.Create(Config(o.Layers), CPU, DType(o.DType));
        ModelInitializer.Randomize(model, o.Seed);
        model.eval();
        return model;
    }

    public static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>Uniform random ids in [0, vocab) of shape (batch, seq), int64, from a generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor RandomIds(int batch, int seq, long seed)
    {
        var generator = new Generator((ulong)seed);
        return randint(0, Vocab, [batch, seq], generator: generator, dtype: ScalarType.Int64);
    }
}
