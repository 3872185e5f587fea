using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>A 2-layer random Llama (hidden 16, 4 heads, 2 KV heads, vocab 128, window 64) with a fixed seed.</summary>
internal static class TinyModel
{
    public static LlamaConfig Config(int window = 64) => LlamaConfig.Parse($$"""
        { "model_type": "llama", "vocab_size": 128, "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 2, "rms_norm_eps": 1e-5, "max_position_embeddings": {{window}},
          "tie_word_embeddings": false }
        """, "tiny test config");

    public static LlamaForCausalLM Create(long seed = 7, int window = 64)
    {
        var model = ModelFactory.Create(Config(window), CPU, ScalarType.Float32);
        ModelInitializer.Randomize(model, seed, std: 0.5);
        model.eval();
        return model;
    }

    /// <summary>Reference: sum of log_softmax(model(context + continuation[:-1])) at the continuation, one plain forward per request.</summary>
    public static double Reference(LlamaForCausalLM model, IReadOnlyList<int> context, IReadOnlyList<int> continuation)
    {
        using var noGrad = no_grad();
        long[] input = [.. context.Select(i => (long)i), .. continuation.Take(continuation.Count - 1).Select(i => (long)i)];
        using var logits = model.forward(tensor(input).unsqueeze(0))[0].to(ScalarType.Float64).log_softmax(-1); // (T, V)
        double sum = 0;
        for (int k = 0; k < continuation.Count; k++) sum += logits[context.Count - 1 + k, continuation[k]].item<double>();
        return sum;
    }
}
