using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

/// <summary>lambada_openai on lines made from TinyStories text, checked against an independent full forward pass.</summary>
public sealed class LambadaTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>, IDisposable
{
    private readonly TempFolder temp = new("mc-lambada-");

    // Items of the 24 made-up lines whose last word is stories260K's greedy continuation (fp32, CPU, no BOS).
    private const int PinnedGreedy = 10;

    /// <summary>Writes <c>lambada/lambada_test.jsonl</c>: each of the first <paramref name="count"/> TinyStories paragraphs.</summary>
    public static string WriteLines(string folder, int count)
    {
        var paragraphs = File.ReadAllText(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"))
            .Split("\n\n", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.Split(' ').Length is >= 8 and <= 120).Take(count);
        Directory.CreateDirectory(Path.Combine(folder, "lambada"));
        File.WriteAllLines(Path.Combine(folder, "lambada", "lambada_test.jsonl"),
            paragraphs.Select(p => new JsonObject { ["text"] = p.ReplaceLineEndings(" ").TrimEnd('.', '!', '"') }.ToJsonString()));
        return folder;
    }

    [Fact]
    public void Lambada_AccIsGreedyLastWord_PerplexityOfItsLikelihood_MatchAnIndependentForward()
    {
        WriteLines(temp, 24);
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var request = new EvaluationRequest(["lambada_openai"], [], temp, BatchSize: 8);
        var config = new EvaluationConfig("stories260K", "-", "tokenizer.model", false, null, 0, 8, true, "cpu", "fp32", "test");

        var report = EvaluationRunner.Run(model, tokenizer, request, config, NullProgress.Instance);

        var result = Assert.Single(report.Loglikelihood);
        Assert.Equal(24, result.Items.Count);
        var first = result.Items[0].Item;
        Assert.Equal(first.Doc!["text"]!.GetValue<string>(), first.Context + first.Continuation);
        Assert.StartsWith(" ", first.Continuation);
        Assert.DoesNotContain(" ", first.Continuation[1..]);
        var encoder = new RequestEncoder(tokenizer, addBos: false);
        using var noGrad = inference_mode();
        foreach (var scored in result.Items)
        {
            var (context, continuation) = encoder.Encode(scored.Item.Context, scored.Item.Continuation);
            long[] all = [.. context.Concat(continuation).Select(i => (long)i)];
            using var scope = NewDisposeScope();
            var logProbs = model.forward(tensor(all).unsqueeze(0))[0].to(ScalarType.Float64).log_softmax(-1); // (T, vocab)
            double ll = 0;
            bool greedy = true;
            for (int j = 0; j < continuation.Length; j++)
            {
                var row = logProbs[context.Length - 1 + j];
                ll += row[continuation[j]].item<double>();
                greedy &= row.argmax().item<long>() == continuation[j];
            }
            Assert.Equal(ll, scored.LogLikelihood, 1e-3);
            Assert.Equal(greedy, scored.Greedy);
        }
        Assert.Equal(result.Items.Count(i => i.Greedy) / 24.0, result.Acc, 12);
        Assert.Equal(Math.Exp(-result.Items.Average(i => i.LogLikelihood)), result.Perplexity, 9);
        Assert.Equal(PinnedGreedy, result.Items.Count(i => i.Greedy));

        var json = report.ToJson();
        Assert.Equal(result.Acc, json["results"]!["lambada_openai"]!["acc,none"]!.GetValue<double>());
        Assert.Equal(result.Perplexity, json["results"]!["lambada_openai"]!["perplexity,none"]!.GetValue<double>());
        Assert.Equal("loglikelihood", json["configs"]!["lambada_openai"]!["output_type"]!.GetValue<string>());
    }

    public void Dispose() => temp.Dispose();
}
