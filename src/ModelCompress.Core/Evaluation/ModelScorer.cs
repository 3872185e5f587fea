using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// Scores requests with a <see cref="LlamaForCausalLM"/> in batches of <paramref name="batchSize"/> rows sorted by length
/// (longest first, right-padded; padding never influences real tokens). With <paramref name="shareContext"/> (default)
/// the requests of one question with the same context are packed into one row, so the context runs once for all its
/// choices; without it each request runs with its own copy of the context (lm-evaluation-harness's way; the naive baseline).
/// With <paramref name="packRows"/> (default) short questions are packed back to back into the rows of a batch (each
/// with its own positions and mask block), so almost no compute goes to padding; without it each row holds one question.
/// Like the harness, a request longer than the model's window keeps the last tokens of its context.
/// </summary>
public sealed class ModelScorer(LlamaForCausalLM model, int batchSize = 16, bool shareContext = true, bool packRows = true)
    : ILogLikelihoodScorer
{
    private readonly PackedDecoder decoder = new(model);

    /// <summary>Rows per forward pass.</summary>
    public int BatchSize { get; } = batchSize >= 1 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize));

    /// <summary>Tokens fed to the model by the last <see cref="Score"/> call, padding included (for throughput figures).</summary>
    public long TokensProcessed { get; private set; }

    public ScoredRequests Score(IReadOnlyList<TokenRequest> requests, IProgressTask progress)
    {
        var rows = Pack(requests, model.Config.MaxPositionEmbeddings);
        var remaining = rows.GroupBy(r => r.Group).ToDictionary(g => g.Key, g => g.Count());
        var sums = new double[requests.Count];
        var greedy = Enumerable.Repeat(true, requests.Count).ToArray();
        TokensProcessed = 0;
        using var mode = inference_mode();
        foreach (var batch in packRows ? RowPacker.Batches(rows, BatchSize) : Unpacked(rows))
        {
            ScoreBatch(batch, sums, greedy);
            int done = 0;
            foreach (var line in batch)
                foreach (var (group, _) in line.Groups)
                    if (--remaining[group.Group] == 0) done++;
            progress.Advance(done);
        }
        return new ScoredRequests(sums, greedy);
    }

    // One group per row, right-padded to the longest of the batch (lm-evaluation-harness's batching).
    private IEnumerable<PackedLine[]> Unpacked(IEnumerable<PackedRow> rows) =>
        rows.OrderByDescending(r => r.Length).Chunk(BatchSize).Select(c => c.Select(r => new PackedLine([(r, 0)], r.Length)).ToArray());

    private List<PackedRow> Pack(IReadOnlyList<TokenRequest> requests, int window)
    {
        var truncated = requests.Select((r, i) =>
        {
            int l = r.Continuation.Count;
            if (l == 0) throw new ArgumentException($"request {i} has an empty continuation", nameof(requests));
            if (l > window) throw EvaluationDataException.ContinuationTooLong(r.Group, l, window);
            int keep = Math.Min(r.Context.Count, window + 1 - l);
            return (Index: i, r.Group, Context: r.Context.Skip(r.Context.Count - keep).ToArray(), r.Continuation);
        });
        if (!shareContext)
            return truncated.Select(r => new PackedRow(r.Group, r.Context, [(r.Index, r.Continuation)])).ToList();
        return truncated
            .GroupBy(r => (r.Group, Key: string.Join(',', r.Context)))
            .Select(g => new PackedRow(g.Key.Group, g.First().Context, g.Select(r => (r.Index, r.Continuation)).ToList()))
            .ToList();
    }

    private void ScoreBatch(PackedLine[] batch, double[] sums, bool[] greedy)
    {
        using var scope = NewDisposeScope();
        var device = model.Model.Embedding.Weight.device;
        int b = batch.Length, t = batch.Max(r => r.Length);
        var ids = new long[b * t];
        var positions = new long[b * t];
        var allowed = new bool[(long)b * t * t];
        var predictors = new List<long>();
        var targets = new List<long>();
        var owners = new List<int>();
        for (int row = 0; row < b; row++)
        {
            foreach (var (packed, offset) in batch[row].Groups)
            {
                for (int i = 0; i < packed.Length; i++)
                    (ids[row * t + offset + i], positions[row * t + offset + i]) = (packed.Tokens[i], packed.Positions[i]);
                packed.FillMask(allowed, row, t, offset);
                for (int m = 0; m < packed.Members.Count; m++)
                {
                    var (request, continuation) = packed.Members[m];
                    for (int k = 0; k < continuation.Count; k++)
                    {
                        predictors.Add((long)row * t + offset + packed.PredictorIndex(m, k));
                        targets.Add(continuation[k]);
                        owners.Add(request);
                    }
                }
            }
            // Padding sees only itself: its softmax stays finite and no real token ever attends to it.
            for (int i = batch[row].Length; i < t; i++) allowed[((long)row * t + i) * t + i] = true;
        }
        TokensProcessed += (long)b * t;
        var hidden = decoder.Hidden(tensor(ids, device: device).view(b, t), tensor(positions, device: device).view(b, t),
                                    tensor(allowed, device: device).view(b, t, t));                 // (B, T, hidden)
        var picked = hidden.view(b * t, -1).index_select(0, tensor(predictors.ToArray(), device: device)); // (N, hidden)
        var logProbs = model.Project(picked).to(ScalarType.Float32).log_softmax(-1);                  // (N, vocab)
        var targetIds = tensor(targets.ToArray(), device: device);
        var chosen = logProbs.gather(1, targetIds.unsqueeze(1)).squeeze(1).cpu();                  // (N)
        var best = logProbs.argmax(1).eq(targetIds).cpu();                                           // (N)
        var values = chosen.data<float>().ToArray();
        var isBest = best.data<bool>().ToArray();
        for (int n = 0; n < values.Length; n++)
        {
            sums[owners[n]] += values[n];
            greedy[owners[n]] &= isBest[n];
        }
    }
}
