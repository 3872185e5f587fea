using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// Greedy decoding of many prompts at once with the KV cache, as lm-evaluation-harness's <c>generate_until</c> runs it:
/// prompts sorted longest first, batches left-padded (each row keeps its own positions and attends to its own tokens only,
/// so a row decodes exactly as it would alone), a row stops at end-of-text, when its decoded text contains a stop string,
/// or after <c>maxNewTokens</c>; a finished row leaves the batch (and the cache).
/// </summary>
public sealed class GreedyBatchDecoder(LlamaForCausalLM model, ITokenizer tokenizer, int batchSize)
{
    /// <summary>The generated ids of each prompt, in prompt order (end-of-text not included).</summary>
    public IReadOnlyList<IReadOnlyList<int>> Decode(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> until,
                                                    int maxNewTokens, IProgressTask? progress = null)
    {
        var outputs = new IReadOnlyList<int>[prompts.Count];
        var order = Enumerable.Range(0, prompts.Count).OrderByDescending(i => prompts[i].Count).ToArray();
        using var noGrad = inference_mode();
        foreach (var chunk in order.Chunk(batchSize))
        {
            var generated = DecodeBatch([.. chunk.Select(i => prompts[i])], until, maxNewTokens);
            for (int r = 0; r < chunk.Length; r++) outputs[chunk[r]] = generated[r];
            progress?.Advance(chunk.Length);
        }
        return outputs;
    }

    /// <summary>Whether <paramref name="text"/> holds a stop string (empty ones never stop).</summary>
    public static bool HasStop(string text, IReadOnlyList<string> until) =>
        until.Any(u => u.Length > 0 && text.Contains(u, StringComparison.Ordinal));

    private List<int>[] DecodeBatch(IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<string> until, int maxNewTokens)
    {
        var device = model.Model.Embedding.Weight.device;
        int rows = prompts.Count, longest = prompts.Max(p => p.Count);
        if (longest == 0) throw new ArgumentException("every prompt needs at least one token", nameof(prompts));
        if (longest + maxNewTokens > model.Config.MaxPositionEmbeddings)
            throw new ArgumentException($"{longest} prompt tokens + {maxNewTokens} new exceed the model's "
                + $"{model.Config.MaxPositionEmbeddings} positions", nameof(prompts));
        var generated = Enumerable.Range(0, rows).Select(_ => new List<int>()).ToArray();
        // Row r's real tokens sit at the right end: positions 0..n-1 there, padding (id 0, position 0) on the left.
        var ids = new long[rows * longest];
        var positions = new long[rows * longest];
        var keys = Enumerable.Range(0, rows).Select(_ => new List<bool>(longest + maxNewTokens)).ToArray();
        for (int r = 0; r < rows; r++)
        {
            int pad = longest - prompts[r].Count;
            for (int j = 0; j < longest; j++)
            {
                bool real = j >= pad;
                ids[r * longest + j] = real ? prompts[r][j - pad] : 0;
                positions[r * longest + j] = real ? j - pad : 0;
                keys[r].Add(real);
            }
        }
        var active = Enumerable.Range(0, rows).ToList();     // batch row -> prompt index
        var next = active.Select(r => (long)prompts[r].Count).ToArray(); // each row's next position
        using var cache = model.NewCache();
        int width = longest;
        while (true)
        {
            long[] picked;
            using (var scope = NewDisposeScope())
            {
                var input = tensor(ids, [active.Count, width], device: device);                  // (B, T)
                var place = tensor(positions, [active.Count, width], device: device);            // (B, T)
                var mask = tensor(active.SelectMany(r => keys[r]).ToArray(), [active.Count, keys[active[0]].Count], device: device);
                var logits = model.forward(input, cache, place, mask).select(1, -1).to(ScalarType.Float32); // (B, vocab)
                picked = logits.argmax(-1).cpu().data<long>().ToArray();
            }
            var keep = new List<int>();
            for (int b = 0; b < active.Count; b++)
            {
                int r = active[b], token = (int)picked[b];
                if (token == tokenizer.EosId) continue;
                generated[r].Add(token);
                if (generated[r].Count >= maxNewTokens || HasStop(tokenizer.Decode(generated[r]), until)) continue;
                keep.Add(b);
            }
            if (keep.Count == 0) return generated;
            if (keep.Count < active.Count)
                using (var scope = NewDisposeScope()) cache.KeepRows(tensor(keep.Select(b => (long)b).ToArray(), device: device));
            ids = [.. keep.Select(b => picked[b])];
            positions = [.. keep.Select(b => next[b])];
            next = [.. keep.Select(b => next[b] + 1)];
            active = [.. keep.Select(b => active[b])];
            foreach (int r in active) keys[r].Add(true);
            width = 1;
        }
    }
}
