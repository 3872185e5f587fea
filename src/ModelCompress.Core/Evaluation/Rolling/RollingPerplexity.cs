using System.Text;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Evaluation.Rolling;

/// <summary>
/// One document's rolling log-likelihood: <see cref="Page"/> as read, <see cref="Target"/> the text scored, the summed
/// natural-log probability of its <see cref="Tokens"/> tokens over <see cref="Windows"/> windows, and the words and UTF-8
/// bytes of the page (the harness's <c>process_results</c>).
/// </summary>
public sealed record DocumentLogLikelihood(string Page, string Target, double LogLikelihood, int Tokens, int Windows, int Words, int Bytes);

/// <summary>
/// A document-level perplexity task (the harness's <c>wikitext</c>): per document a log-likelihood, aggregated as the
/// harness's <c>weighted_perplexity</c> and <c>bits_per_byte</c> (<c>lm_eval/api/metrics.py</c>): word perplexity
/// exp(-Σll / Σwords), byte perplexity exp(-Σll / Σbytes), bits per byte -Σll / Σbytes / ln 2.
/// <see cref="OriginalDocuments"/> is the split's size before <c>--limit</c>.
/// </summary>
public sealed record RollingPerplexityResult(string Name, IReadOnlyList<DocumentLogLikelihood> Documents, int MaxLength,
    int OriginalDocuments)
{
    /// <summary>The harness's metric names, in its order.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["word_perplexity", "byte_perplexity", "bits_per_byte"];

    public double LogLikelihood => Documents.Sum(d => d.LogLikelihood);
    public double WordPerplexity => Math.Exp(-LogLikelihood / Documents.Sum(d => (double)d.Words));
    public double BytePerplexity => Math.Exp(-LogLikelihood / Documents.Sum(d => (double)d.Bytes));
    public double BitsPerByte => -LogLikelihood / Documents.Sum(d => (double)d.Bytes) / Math.Log(2);

    /// <summary>The value of one of <see cref="MetricNames"/>.</summary>
    public double Metric(string name) => name switch
    {
        "word_perplexity" => WordPerplexity,
        "byte_perplexity" => BytePerplexity,
        "bits_per_byte" => BitsPerByte,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a rolling perplexity metric"),
    };
}

/// <summary>
/// Scores documents as the harness's <c>loglikelihood_rolling</c>: each document's tokens (the whole text encoded once, BOS
/// only with add-BOS) are cut into <see cref="RollingWindows"/> of <c>maxLength</c> positions after the prefix token (BOS,
/// else EOS: the harness's <c>prefix_token_id</c>), and the windows' log-likelihoods are summed.
/// </summary>
public static class RollingPerplexity
{
    public static RollingPerplexityResult Evaluate(LlamaForCausalLM model, ITokenizer tokenizer, bool addBos, string name,
        IReadOnlyList<(string Page, string Target)> documents, int originalDocuments, int batchSize, IProgressSink progress)
    {
        int maxLength = model.Config.MaxPositionEmbeddings;
        int prefix = tokenizer.BosId ?? tokenizer.EosId
            ?? throw new InvalidOperationException("the tokenizer has neither BOS nor EOS, so a document cannot be scored");
        var encoded = documents.Select(d => tokenizer.Encode(d.Target, addBos && tokenizer.BosId is not null)).ToList();
        var windows = encoded.SelectMany((ids, doc) => RollingWindows.Build(ids, prefix, maxLength).Select(w => (Doc: doc, Window: w)))
            .ToList();
        var sums = new double[documents.Count];
        var device = model.Model.Embedding.Weight.device;
        using var mode = inference_mode();
        using var bar = progress.Start($"perplexity {name}", windows.Count, "windows");
        foreach (var batch in windows.OrderByDescending(w => w.Window.Input(maxLength).Length).Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var inputs = batch.Select(w => w.Window.Input(maxLength)).ToArray();
            int b = batch.Length, t = inputs.Max(i => i.Length);
            var ids = new long[b * t];
            var targets = new long[b * t];
            var scored = new double[b * t];
            for (int r = 0; r < b; r++)
            {
                var window = batch[r].Window;
                var next = inputs[r].Skip(1).Concat([window.Continuation[^1]]).ToArray();
                for (int i = 0; i < inputs[r].Length; i++)
                {
                    ids[r * t + i] = inputs[r][i];
                    targets[r * t + i] = next[i];
                    scored[r * t + i] = i >= inputs[r].Length - window.Continuation.Length ? 1 : 0;
                }
            }
            var logits = model.forward(tensor(ids, device: device).view(b, t));                                   // (B, T, V)
            var picked = logits.to(ScalarType.Float32).log_softmax(-1)
                .gather(2, tensor(targets, device: device).view(b, t, 1)).squeeze(2);                              // (B, T)
            var perRow = (picked.to(ScalarType.Float64) * tensor(scored, device: device).view(b, t)).sum(1).cpu();  // (B)
            var values = perRow.data<double>().ToArray();
            for (int r = 0; r < b; r++) sums[batch[r].Doc] += values[r];
            bar.Advance(b);
        }
        var windowCounts = windows.CountBy(w => w.Doc).ToDictionary();
        var results = documents.Select((d, i) =>
        {
            NonFinite.Check(sums[i], $"{name} document {i}: its log-likelihood");
            return new DocumentLogLikelihood(d.Page, d.Target, sums[i], encoded[i].Count, windowCounts.GetValueOrDefault(i),
                WikitextDocuments.Words(d.Page), Encoding.UTF8.GetByteCount(d.Page));
        }).ToList();
        return new RollingPerplexityResult(name, results, maxLength, originalDocuments);
    }
}
