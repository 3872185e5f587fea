using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

/// <summary>
/// The reference the batched decoder must equal: one sequence, no cache, no padding; every step runs the whole sequence
/// again and takes the argmax of the last position; the same stopping rules (end-of-text, a stop string, the token budget).
/// </summary>
internal static class UncachedGreedy
{
    public static List<int> Decode(LlamaForCausalLM model, ITokenizer tokenizer, IReadOnlyList<int> prompt, IReadOnlyList<string> until,
                                   int maxNewTokens)
    {
        var sequence = prompt.Select(i => (long)i).ToList();
        var generated = new List<int>();
        using var noGrad = inference_mode();
        while (generated.Count < maxNewTokens)
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(tensor(sequence.ToArray()).unsqueeze(0))[0, -1].to(ScalarType.Float32); // (vocab)
            int token = (int)logits.argmax().item<long>();
            if (token == tokenizer.EosId) break;
            generated.Add(token);
            sequence.Add(token);
            if (GreedyBatchDecoder.HasStop(tokenizer.Decode(generated), until)) break;
        }
        return generated;
    }
}
