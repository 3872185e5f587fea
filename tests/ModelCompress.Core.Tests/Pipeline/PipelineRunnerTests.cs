using System.Text.Json.Nodes;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Gates;
using ModelCompress.TestKit.Harness;

namespace ModelCompress.Core.Tests.Pipeline;

[Collection(GlobalRngCollection.Name)]
public sealed class PipelineRunnerTests(StoriesRecipeFixture recipe) : IClassFixture<StoriesRecipeFixture>
{
    [Fact]
    public void PaperRecipe_OnStories260K_PinsVerdictAndFigures()
    {
        var run = recipe.Outcome;
        Assert.Equal(Verdict.Passed, run.Verdict);
        Assert.Equal([4], run.Pruning.Single().RemovedLayers);
        Assert.Equal([true, true, true, true], run.Gates.Select(g => g.Passed));
        var pinned = new Dictionary<string, (double Baseline, double Candidate)>
        {
            ["arc_easy.acc"] = (0.225, 0.2),
            ["hellaswag.acc_norm"] = (0.2, 0.25),
            ["average.acc"] = (0.275, 0.225),
            ["wikitext2.word_perplexity"] = (9_466_789.883, 50_557_756.463),
            ["parameters"] = (260_032, 247_360),
        };
        foreach (var (metric, (b, c)) in pinned)
        {
            Assert.True(Math.Abs(run.Baseline.Values[metric] - b) <= 1e-4 * Math.Max(1, Math.Abs(b)), $"{metric} baseline {run.Baseline.Values[metric]}");
            Assert.True(Math.Abs(run.Candidate.Values[metric] - c) <= 1e-4 * Math.Max(1, Math.Abs(c)), $"{metric} candidate {run.Candidate.Values[metric]}");
        }
        string folder = Path.Combine(recipe.Out, "stories-recipe");
        foreach (string file in new[] { "results.json", "report.md", "manifest.json", "tasks.svg", "model/config.json", "model/README.md", "model/finetune.json" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.StartsWith("# ✅ PASSED — stories-recipe", report);
        // stories260K scores at chance on 40 ARC-Easy items (mostly four choices): the report says so under the verdict.
        var arc = run.Candidate.Stats["arc_easy.acc"];
        Assert.Equal(40, arc.N);
        Assert.InRange(arc.Chance!.Value, 0.24, 0.27);
        Assert.Contains($"- ⚠️ the candidate's arc_easy.acc 0.2 ± {arc.Stderr!.Value:0.####} (n = 40) is within 2 standard errors",
            report);
        foreach (string chart in new[] { "scores.svg", "tasks.svg" }) // the reverse-order staircase and the two tasks
        {
            var png = Reporting.PngImage.Render(Path.Combine(folder, chart));
            Assert.True(png.Drawn() > png.Width * png.Height / 20, $"{chart} renders nearly blank");
        }
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!;
        Assert.Equal(["prune", "heal", "eval (baseline)", "eval (candidate)"], manifest["stages"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Contains(manifest["inputs"]!.AsArray(), i => i!["path"]!.GetValue<string>().EndsWith("tinystories_valid_head.txt", StringComparison.Ordinal));
    }

    [Fact]
    public void RunFolder_NamesNoStageCachePath_AndItsCardNamesTheSourceAsWritten()
    {
        string folder = Path.Combine(recipe.Out, "stories-recipe"), cache = Path.Combine(recipe.Out, ".cache");
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            Assert.False(File.ReadAllText(file).Contains(cache, StringComparison.Ordinal), $"{file} names the stage cache {cache}");
        var card = Reporting.ModelCardTests.FrontMatter(File.ReadAllText(Path.Combine(folder, "model", "README.md")));
        Assert.Equal(recipe.Outcome.BaseModel, card["base_model"]);
        Assert.Equal(["tinystories_valid_head.txt"], (List<object>)card["datasets"]);
        var results = (List<object>)Reporting.ModelCardTests.Path(card, "model-index", 0, "results");
        Assert.Equal(["ARC-Easy", "HellaSwag", "WikiText-2"], results.Select(r => Reporting.ModelCardTests.Path(r, "dataset", "name")));
    }

    [Fact]
    public void RunFolder_HoldsHarnessShapedEvaluations_ThatPassItsSchemaAndNameNoCachePath()
    {
        string outRoot = recipe.Temp("harness");
        CopyCache(recipe.Out, outRoot);
        var run = recipe.Run(outRoot,
            ["stages.eval.limit=2", "stages.eval.perplexity=[wikitext, wikitext2]", "stages.eval.tasks=[arc_easy, mmlu]"]);
        Assert.True(run.Stages.Single(s => s.Id == "heal").Cached);
        string folder = Path.Combine(outRoot, "stories-recipe", EvaluationFiles.Folder, "eval");
        foreach (string side in new[] { "baseline", "candidate" })
        {
            string dir = Path.Combine(folder, side);
            Assert.Empty(HarnessSchema.Check(dir));
            Assert.True(File.Exists(Path.Combine(dir, "samples_wikitext.jsonl")));
            Assert.True(File.Exists(Path.Combine(dir, "samples_mmlu_anatomy.jsonl")));
            string text = File.ReadAllText(Path.Combine(dir, "results.json"));
            Assert.DoesNotContain(".cache", text);
            var json = JsonNode.Parse(text)!;
            string name = side == "baseline" ? JsonNode.Parse(File.ReadAllText(Path.Combine(outRoot, "stories-recipe", "manifest.json")))!
                ["effective_config"]!["model"]!["source"]!.GetValue<string>() : "stories-recipe";
            Assert.Equal(name, json["model_name"]!.GetValue<string>());
            Assert.StartsWith($"pretrained={name},", json["config"]!["model_args"]!.GetValue<string>());
            Assert.Equal(62, json["n-samples"]!["wikitext"]!["original"]!.GetValue<int>());
        }
        // The gates read the same figures: the rolling perplexity and the MMLU group.
        Assert.True(run.Candidate.Values["wikitext.word_perplexity"] > run.Candidate.Values["wikitext.byte_perplexity"]);
        Assert.Equal(57 * 2, run.Candidate.Items["mmlu.acc"].Length);
    }

    [Fact]
    public void SecondIdenticalRun_DoesNoWork_AndGivesTheSameResults()
    {
        var again = recipe.Run(recipe.Out);
        Assert.All(again.Stages, s => Assert.True(s.Cached, $"{s.Id} ran again"));
        Assert.Equal(RunFolder.Results(recipe.Outcome).ToJsonString(), RunFolder.Results(again).ToJsonString());
    }

    [Fact]
    public void FailingGate_IsAVerdictWithAReport()
    {
        string outRoot = recipe.Temp("strict");
        CopyCache(recipe.Out, outRoot);
        var strict = recipe.Run(outRoot, ["gates.0.max_drop=0", "gates.2.max_relative_drop=1"]);
        Assert.Equal(Verdict.GateFailed, strict.Verdict);
        string report = File.ReadAllText(Path.Combine(outRoot, "stories-recipe", "report.md"));
        Assert.StartsWith("# ❌ FAILED — stories-recipe", report);
        Assert.Contains("**wikitext2.word_perplexity** max_relative_drop 1%: worse by", report);
        Assert.Contains("The model was not published.", report);
    }

    [Fact]
    public void RunKilledDuringHealing_ResumesToTheSameResults()
    {
        string outRoot = recipe.Temp("resume");
        using var cancel = new CancellationTokenSource();
        var killer = new CancelAfterSteps("finetune", 5, cancel);
        Assert.ThrowsAny<OperationCanceledException>(() => recipe.Run(outRoot, progress: killer, cancellation: cancel.Token));
        Assert.False(Directory.Exists(Path.Combine(outRoot, "stories-recipe")));
        var resumed = recipe.Run(outRoot, resume: true);
        Assert.True(resumed.Stages.Single(s => s.Id == "prune").Cached);
        Assert.False(resumed.Stages.Single(s => s.Id == "heal").Cached);
        Assert.Equal(RunFolder.Results(recipe.Outcome).ToJsonString(), RunFolder.Results(resumed).ToJsonString());
    }

    [Fact]
    public void IterativePruning_RemovesStepLayersHealingBetween()
    {
        var run = recipe.Run(recipe.Temp("iterative"), ["stages.prune.remove=2", "stages.prune.iterative={ step: 1, heal: heal }"]);
        Assert.Equal(["prune.1", "prune.1.heal", "prune.2", "heal"], run.Stages.Where(s => s.Type != "evaluate").Select(s => s.Id));
        Assert.Equal([[4], [3]], run.Pruning.Select(p => p.RemovedLayers.ToArray()));
        Assert.Equal(3, Core.Model.LlamaConfig.Load(run.FinalModel).NumHiddenLayers);
    }

    private static void CopyCache(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(from, ".cache"), "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, ".cache", Path.GetRelativePath(Path.Combine(from, ".cache"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Cancels the run once a task whose name starts with <paramref name="prefix"/> has advanced <paramref name="steps"/> times.</summary>
    private sealed class CancelAfterSteps(string prefix, int steps, CancellationTokenSource cancel) : IProgressSink
    {
        public IProgressTask Start(string name, long total, string unit) => name.StartsWith(prefix, StringComparison.Ordinal) ? new Task(steps, cancel) : NullProgress.Instance;
        public void Message(string text) { }

        private sealed class Task(int steps, CancellationTokenSource cancel) : IProgressTask
        {
            private long done;
            public void Advance(long n, string? status = null)
            {
                if ((done += n) >= steps) cancel.Cancel();
            }
            public void Dispose() { }
        }
    }
}
