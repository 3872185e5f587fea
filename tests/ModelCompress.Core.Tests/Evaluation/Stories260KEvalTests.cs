using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>Golden figures of the real stories260K model on the first 200 items of four tasks and 200 wikitext-2 windows.</summary>
public sealed class Stories260KEvalTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static readonly string[] Tasks = ["arc_easy", "piqa", "hellaswag", "winogrande"];

    private EvaluationReport Run(int batchSize, int limit, string[]? tasks = null)
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var request = new EvaluationRequest(tasks ?? Tasks, [("wikitext2", SharedData.Path("text", "wikitext-2-raw", "wiki.test.raw"))],
            SharedData.Path("eval"), Limit: limit, BatchSize: batchSize);
        var config = new EvaluationConfig("stories260K", "-", "tokenizer.model", false, limit, 0, batchSize, true, "cpu", "fp32", "test");
        return EvaluationRunner.Run(model, tokenizer, request, config, NullProgress.Instance);
    }

    [Fact]
    public void Stories260K_PinnedFigures_SameAtBatchSizes1And16()
    {
        var batched = Run(16, 200);
        // Correct answers out of 200 (acc, acc_norm), no BOS, lm-evaluation-harness 0.4 prompts.
        var expected = new Dictionary<string, (int Acc, int? AccNorm)>
        {
            ["arc_easy"] = (46, 45), ["piqa"] = (95, 93), ["hellaswag"] = (62, 52), ["winogrande"] = (101, null),
        };
        foreach (var task in batched.Tasks)
        {
            Assert.Equal(200, task.Items.Count);
            Assert.Equal(expected[task.Name], (task.Items.Count(i => i.Correct), task.AccNorm is null ? (int?)null : task.Items.Count(i => i.CorrectNorm)));
        }
        Assert.Equal(0.38, batched.AverageAcc, 12);
        var ppl = Assert.Single(batched.Perplexities);
        Assert.Equal((25600L, 200), (ppl.Tokens, ppl.Windows));
        Assert.Equal(136.0983, ppl.TokenPerplexity, 1e-3);

        // Batch size 1 runs other matrix shapes: predictions must be identical, sums equal to float32 rounding.
        // (The first 50 items and windows keep the suite fast; the kernels are the same for the rest.)
        var single = Run(1, 50);
        foreach (var (a, b) in batched.Tasks.Zip(single.Tasks))
            foreach (var (x, y) in a.Items.Zip(b.Items))
            {
                Assert.Equal((x.Id, x.Pred, x.PredNorm), (y.Id, y.Pred, y.PredNorm));
                for (int c = 0; c < x.LogLikelihoods.Count; c++) Assert.Equal(x.LogLikelihoods[c], y.LogLikelihoods[c], 1e-3);
            }
        var first50 = Run(16, 50, tasks: []).Perplexities[0];
        Assert.Equal(first50.TokenPerplexity, single.Perplexities[0].TokenPerplexity, 1e-3);
    }

    [Fact]
    public void Mmlu_CategoryScores_AreTheAccuracyOverTheirSubjectsItems()
    {
        var report = Run(16, 1, ["mmlu"]);
        var mmlu = Assert.Single(report.Tasks);
        Assert.Equal(57, mmlu.Items.Count);
        var categories = EvaluationReport.MmluCategoryResults(mmlu).ToList();
        Assert.Equal(["mmlu_stem", "mmlu_humanities", "mmlu_social_sciences", "mmlu_other"], categories.Select(c => c.Name));
        Assert.Equal([19, 13, 12, 13], categories.Select(c => c.Items.Count));
        Assert.Equal(CorrectPerCategory, categories.Select(c => c.Items.Count(i => i.Correct)));
        var json = report.ToJson();
        foreach (var c in categories)
        {
            Assert.Equal((double)c.Items.Count(i => i.Correct) / c.Items.Count, json["results"]![c.Name]!["acc,none"]!.GetValue<double>(), 12);
            Assert.Equal(c.Items.Count, json["groups"]![c.Name]!["sample_len"]!.GetValue<int>());
        }
        // The size-weighted mean of the categories is MMLU's own score; each subject is a subtask of one item here.
        Assert.Equal(mmlu.Acc, categories.Sum(c => c.Acc * c.Items.Count) / 57, 12);
        Assert.Equal(mmlu.Acc, json["groups"]!["mmlu"]!["acc,none"]!.GetValue<double>(), 12);
        Assert.Equal(["mmlu_stem", "mmlu_other", "mmlu_social_sciences", "mmlu_humanities"],
            json["group_subtasks"]!["mmlu"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(57, json["n-samples"]!.AsObject().Count(s => s.Key.StartsWith("mmlu_", StringComparison.Ordinal)));
        Assert.Equal(1, json["n-samples"]!["mmlu_anatomy"]!["effective"]!.GetValue<int>());
        Assert.Equal(135, json["n-samples"]!["mmlu_anatomy"]!["original"]!.GetValue<int>());
    }

    private static readonly int[] CorrectPerCategory = [4, 4, 5, 6];
}
