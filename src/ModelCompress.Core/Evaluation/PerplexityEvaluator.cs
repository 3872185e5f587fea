using System.Text;
using System.Text.RegularExpressions;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// Perplexity over fixed, non-overlapping windows of <c>window</c> text tokens (the paper's 128-token chunks). Each window
/// is scored after one prefix token (BOS when adding BOS, else end-of-text, as the harness's rolling log-likelihood), so
/// every text token is predicted exactly once and word and byte perplexity cover the same text. Words are the
/// whitespace-separated pieces of the text (the harness's <c>re.split(r"\s+")</c>), bytes its UTF-8 length; with a window
/// limit, they are counted on the decoded scored tokens.
/// </summary>
public static partial class PerplexityEvaluator
{
    public static PerplexityResult Evaluate(LlamaForCausalLM model, RequestEncoder encoder, ITokenizer tokenizer, string name, string text,
                                            int window, int batchSize, int? maxWindows, IProgressSink progress)
    {
        if (window < 1 || window > model.Config.MaxPositionEmbeddings)
            throw new InvalidInputException(
                $"--window {window} must be between 1 and the model's {model.Config.MaxPositionEmbeddings} positions.");
        text = text.Replace("\r\n", "\n");
        var ids = tokenizer.Encode(text);
        var windows = ids.Chunk(window).Take(maxWindows ?? int.MaxValue).ToList();
        string scored = maxWindows is null ? text : tokenizer.Decode(windows.SelectMany(w => w));
        var device = model.Model.Embedding.Weight.device;
        double nll = 0;
        long tokens = 0;
        using var mode = inference_mode();
        using var bar = progress.Start($"perplexity {name}", windows.Count, "windows");
        foreach (var batch in windows.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            int b = batch.Length, t = batch.Max(w => w.Length);
            var input = new long[b * t];
            var targets = new long[b * t];
            var valid = new float[b * t];
            for (int r = 0; r < b; r++)
                for (int i = 0; i < batch[r].Length; i++)
                {
                    input[r * t + i] = i == 0 ? encoder.PrefixToken : batch[r][i - 1];
                    targets[r * t + i] = batch[r][i];
                    valid[r * t + i] = 1;
                }
            var logits = model.forward(tensor(input, device: device).view(b, t));                                  // (B, T, V)
            var logProbs = logits.to(ScalarType.Float32).log_softmax(-1);
            var picked = logProbs.gather(2, tensor(targets, device: device).view(b, t, 1)).squeeze(2);          // (B, T)
            nll -= (picked * tensor(valid, device: device).view(b, t)).sum().to(ScalarType.Float64).item<double>();
            tokens += batch.Sum(w => w.Length);
            bar.Advance(b, $"ppl {Math.Exp(nll / tokens):F2}");
        }
        long words = Whitespace().Split(scored).Length;
        long bytes = Encoding.UTF8.GetByteCount(scored);
        NonFinite.Check(nll, $"the perplexity text {name}: its negative log-likelihood");
        return new PerplexityResult(name, nll, tokens, words, bytes, windows.Count, window);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
