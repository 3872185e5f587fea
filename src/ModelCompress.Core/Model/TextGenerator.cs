using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Options of <see cref="TextGenerator.Generate"/>: temperature 0 is greedy decoding.</summary>
public sealed record GenerationOptions(int MaxNewTokens, double Temperature = 0, long Seed = 42, IReadOnlyCollection<int>? StopIds = null);

/// <summary>Autoregressive decoding with a KV cache: the prompt runs once, then one token per step.</summary>
public static class TextGenerator
{
    /// <summary>Generates up to <c>MaxNewTokens</c> ids after <paramref name="prompt"/>, stopping after a stop id.</summary>
    public static IReadOnlyList<int> Generate(LlamaForCausalLM model, IReadOnlyList<int> prompt, GenerationOptions options,
                                              Action<int>? onToken = null)
    {
        if (prompt.Count == 0) throw new ArgumentException("the prompt needs at least one token (usually BOS)", nameof(prompt));
        var device = model.Model.Embedding.Weight.device;
        var generator = new Generator((ulong)options.Seed, device);
        var output = new List<int>();
        using var noGrad = inference_mode();
        using var cache = model.NewCache();
        long[] next = prompt.Select(i => (long)i).ToArray();
        while (output.Count < options.MaxNewTokens && cache.Length + next.Length <= model.Config.MaxPositionEmbeddings)
        {
            using var scope = NewDisposeScope();
            var ids = tensor(next, device: device).unsqueeze(0);           // (1, T)
            var logits = model.forward(ids, cache)[0, -1].to(ScalarType.Float32); // (vocab)
            int token = Pick(logits, options.Temperature, generator);
            output.Add(token);
            onToken?.Invoke(token);
            if (options.StopIds?.Contains(token) == true) break;
            next = [token];
        }
        return output;
    }

    private static int Pick(Tensor logits, double temperature, Generator generator)
    {
        if (temperature <= 0) return (int)logits.argmax().item<long>();
        var probabilities = (logits / temperature).softmax(-1);
        return (int)multinomial(probabilities, 1, generator: generator).item<long>();
    }
}
