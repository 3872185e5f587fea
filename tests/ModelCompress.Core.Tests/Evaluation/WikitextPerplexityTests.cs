using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>
/// stories260K's <c>wikitext</c> perplexity both ways: the harness's document-level rolling windows, checked against an
/// independent implementation (Evaluation/Independent/rolling_wikitext.py: Debian's python3-torch and python3-sentencepiece
/// on the original llama2.c checkpoint), and the fixed-window figure kept as <c>wikitext2</c>.
/// </summary>
public sealed class WikitextPerplexityTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private const int Documents = 2;

    [Fact]
    public void Wikitext_RollingWindows_MatchAnIndependentImplementation()
    {
        string raw = SharedData.Path("text", "wikitext-2-raw", "wiki.test.raw");
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var request = new EvaluationRequest([], [("wikitext", raw), ("wikitext2", raw)], SharedData.Path("eval"), Limit: Documents);
        var config = new EvaluationConfig("stories260K", "-", "tokenizer.model", false, Documents, 0, 16, true, "cpu", "fp32", "test");
        var report = EvaluationRunner.Run(model, tokenizer, request, config, NullProgress.Instance);

        var reference = Reference(raw);
        var rolling = Assert.Single(report.Rolling);
        Assert.Equal(62, rolling.OriginalDocuments);
        Assert.Equal(512, rolling.MaxLength);
        var expected = reference["documents"]!.AsArray();
        Assert.Equal(Documents, rolling.Documents.Count);
        for (int i = 0; i < Documents; i++)
        {
            var (ours, theirs) = (rolling.Documents[i], expected[i]!);
            // Token ids, windows, words and bytes are exact; the log-likelihood differs only by float32 rounding.
            Assert.Equal(theirs["first_ids"]!.AsArray().Select(t => t!.GetValue<int>()), tokenizer.Encode(ours.Target).Take(32));
            Assert.Equal((theirs["tokens"]!.GetValue<int>(), theirs["windows"]!.GetValue<int>()), (ours.Tokens, ours.Windows));
            Assert.Equal((theirs["words"]!.GetValue<int>(), theirs["bytes"]!.GetValue<int>()), (ours.Words, ours.Bytes));
            double ll = theirs["loglikelihood"]!.GetValue<double>();
            Assert.True(Math.Abs(ours.LogLikelihood - ll) <= 1e-4 * Math.Abs(ll), $"document {i}: {ours.LogLikelihood} vs {ll}");
        }
        foreach (string metric in new[] { "word_perplexity", "byte_perplexity", "bits_per_byte" })
        {
            double theirs = reference[metric]!.GetValue<double>();
            Assert.True(Math.Abs(rolling.Metric(metric) - theirs) <= 1e-4 * theirs, $"{metric}: {rolling.Metric(metric)} vs {theirs}");
        }
        Assert.Equal(PinnedWordPerplexity, rolling.WordPerplexity, PinnedWordPerplexity * 1e-4);

        // The fixed-window figure (128-token windows, here the first two) is another number for the same text.
        var fixedWindows = Assert.Single(report.Perplexities);
        Assert.Equal(("wikitext2", 2, 256L), (fixedWindows.Name, fixedWindows.Windows, fixedWindows.Tokens));
        var json = report.ToJson();
        Assert.Equal(rolling.WordPerplexity, json["results"]!["wikitext"]!["word_perplexity,none"]!.GetValue<double>());
        Assert.Equal("N/A", json["results"]!["wikitext"]!["word_perplexity_stderr,none"]!.GetValue<string>());
        Assert.Equal("loglikelihood_rolling", json["configs"]!["wikitext"]!["output_type"]!.GetValue<string>());
        Assert.Equal("perplexity_fixed", json["configs"]!["wikitext2"]!["output_type"]!.GetValue<string>());
    }

    // stories260K was trained on TinyStories: Wikipedia is far out of its domain.
    private const double PinnedWordPerplexity = 738_458.842;

    private static JsonNode Reference(string raw)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList =
            {
                RepoPaths.Of("tests", "ModelCompress.Core.Tests", "Evaluation", "Independent", "rolling_wikitext.py"),
                SharedData.Stories260K, SharedData.Tok512, raw, Documents.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0,
            $"rolling_wikitext.py failed (needs Debian's python3-torch and python3-sentencepiece): {stderr.Result}");
        return JsonNode.Parse(stdout)!;
    }
}
