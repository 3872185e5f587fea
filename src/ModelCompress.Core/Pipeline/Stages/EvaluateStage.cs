using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Model;
using ModelCompress.Core.Tokenization;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>A <c>type: evaluate</c> stage: the baseline and the current model on multiple-choice tasks and perplexity.</summary>
public sealed record EvaluateStage(
    string Id, IReadOnlyList<string> Tasks, IReadOnlyList<string> Perplexity, int? Limit, int NumFewshot, int BatchSize, int Window,
    string? Data) : StageConfig(Id);

/// <summary>
/// Evaluates the base model and the current one; each output folder holds lm-evaluation-harness shaped results.json and
/// one samples_&lt;task&gt;.jsonl per task. The key holds the benchmark folder's content hash, not its path, so moving the
/// data (another checkout, another runner) keeps the cache.
/// </summary>
internal sealed class EvaluateStageType : StageType<EvaluateStage>
{
    public override StageSyntax Syntax { get; } = Spell("evaluate",
        "Evaluate baseline and candidate on zero-shot multiple-choice tasks and perplexity.",
        List("tasks", "Tasks: arc_easy, arc_challenge, piqa, hellaswag, winogrande, openbookqa, mmlu, boolq, gsm8k, lambada_openai, or a task file.",
            Str("task", "A task.")) with { Default = Array.Empty<string>(), Path = new PathRule(IsName: IsTaskName) },
        List("perplexity",
            "Perplexity: wikitext (the harness's document-level rolling task), or over fixed windows: wikitext_fixed (alias " +
            "wikitext2), ptb, or a text file.", Str("corpus", "A corpus.")) with
        {
            Default = Array.Empty<string>(),
            Path = new PathRule(IsName: DataLocations.Corpora.ContainsKey,
                Hint: $"or a corpus name ({string.Join(", ", DataLocations.Corpora.Keys)})"),
        },
        Int("limit", "Evaluate only the first N items of each task (wikitext: documents; fixed-window perplexity: windows).", null, 1),
        Int("num_fewshot", "Few-shot examples per prompt.", 0, 0),
        Int("batch_size", "Sequences per forward pass.", 16, 1),
        Int("window", "Fixed-window perplexity: window in tokens (wikitext uses the model's context).", 128, 2),
        Str("data", "Benchmark folder (default: $MODELCOMPRESS_DATA/eval).") with
            { Path = new PathRule(Folder: true, Hint: "omit data to use $MODELCOMPRESS_DATA/eval.", What: "benchmark folder") }) with
        { Check = AddOutputs };

    // Gates may name each task and corpus (by file name for files), and MMLU's categories and subjects.
    private static void AddOutputs(StageCheck c)
    {
        foreach (string t in c.Strings("tasks")) c.Outputs.Add(System.IO.Path.GetFileNameWithoutExtension(t));
        if (c.Outputs.Contains("mmlu"))
            c.Outputs.UnionWith(MmluCategories.Names.Concat(MmluCategories.SubjectNames).Select(n => $"mmlu_{n}"));
        foreach (string t in c.Strings("perplexity")) c.Outputs.Add(System.IO.Path.GetFileNameWithoutExtension(t));
    }

    // A task is a built-in name, or a task file when it looks like a path.
    private static bool IsTaskName(string task) => !(task.Contains('/') || task.Contains('\\') || System.IO.Path.HasExtension(task));

    protected override void Apply(EvaluateStage stage, StageWalk walk)
    {
        Evaluate(stage, walk, walk.Base, baseline: true, "the unpruned model");
        Evaluate(stage, walk, walk.Current, baseline: false, string.Join(", ", stage.Tasks.Concat(stage.Perplexity)));
    }

    private static void Evaluate(EvaluateStage stage, StageWalk walk, ModelState model, bool baseline, string note)
    {
        var run = walk.Run;
        // Inputs are resolved only once the model exists: a planned demo's files are not built yet.
        var (evalDir, tasks, corpora) = model.Key is null ? ("", [], []) : Inputs(stage, run);
        string? key = null;
        if (model.Key is not null)
        {
            var inputs = tasks.Where(File.Exists).Select(run.HashFile).Concat(corpora.Select(c => run.HashFile(c.File))).ToList();
            string data = Directory.Exists(evalDir) ? run.HashFolder(evalDir) : "no benchmark folder";
            key = run.Key("evaluate", model.Key, PipelineConfigLoader.Settings(stage with { Data = null }), inputs, data);
        }
        string label = $"{stage.Id} ({(baseline ? "baseline" : "candidate")})";
        string? folder = walk.Step(label, "evaluate", key, model.Layers, () => note, output =>
        {
            var request = new EvaluationRequest(tasks, [.. corpora.Select(c => (c.Name, c.File))], evalDir, stage.Limit, stage.NumFewshot,
                stage.BatchSize, Window: stage.Window);
            string tokenizerFile = File.Exists(Path.Combine(model.Path, "tokenizer.json")) ? "tokenizer.json" : "tokenizer.model";
            // The cache holds no path: the run folder's copy names the model (EvaluationFiles).
            var config = new EvaluationConfig($"sha256:{model.Key}", model.Key!, tokenizerFile, request.AddBos, stage.Limit,
                stage.NumFewshot, stage.BatchSize, request.SharedContext, run.Device.type.ToString().ToLowerInvariant(),
                TensorDTypes.TorchDtypeName(run.DType), ToolInfo.Version);
            var prepared = EvaluationRunner.Prepare(request, LlamaConfig.Load(model.Path));
            var tokenizer = TokenizerLoader.FromFolder(model.Path);
            using var llm = HfModelFolder.Load(model.Path, run.Place(), run.DType);
            var report = EvaluationRunner.Run(llm, tokenizer, prepared, config, run.Progress);
            report.WriteJson(Path.Combine(output, EvaluationArtifact.ResultsFile));
            report.WriteSamples(output);
        }, planner => Estimate(stage, planner, model.Layers));
        if (folder is not null) walk.Ledger.Add(new EvaluationRecord(stage.Id, baseline, folder, model.Path));
    }

    /// <summary>Tokens a perplexity corpus has when the stage sets no limit (about wikitext-2's test split; an assumption).</summary>
    internal const int CorpusTokens = 300_000;

    // Planning: multiple-choice rows (with the packed rows' mask) and perplexity windows; the larger peak, the summed FLOPs.
    private static Planning.StageEstimate Estimate(EvaluateStage stage, Planning.MemoryPlanner planner, int layers)
    {
        const int row = Planning.MemoryPlanner.EvalRowTokens, scored = Planning.MemoryPlanner.EvalScoredPerRow;
        double choiceTokens = stage.Tasks.Count * (stage.Limit ?? 1000) * 4.0 * 64;
        double corpusTokens = stage.Perplexity.Count * (stage.Limit is int l ? (double)l * stage.Window : CorpusTokens);
        var choice = planner.Evaluate(layers, stage.BatchSize, row, scored, masked: true, choiceTokens);
        if (stage.Perplexity.Count == 0) return choice;
        var corpus = planner.Evaluate(layers, stage.BatchSize, stage.Window, stage.Window, masked: false, corpusTokens);
        var larger = stage.Tasks.Count == 0 || corpus.PeakBytes > choice.PeakBytes ? corpus : choice;
        double flops = choice.Flops * (stage.Tasks.Count > 0 ? 1 : 0) + corpus.Flops;
        return larger with { Flops = flops, Seconds = flops / (planner.Target.Tflops * 1e12) };
    }

    private static (string EvalDir, List<string> Tasks, List<(string Name, string File)> Corpora) Inputs(EvaluateStage stage,
        RunContext run)
    {
        string evalDir = stage.Data is { } d ? run.Resolve(d) : DataLocations.DefaultEvalDir();
        var tasks = stage.Tasks.Select(t => t.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? run.Resolve(t) : t).ToList();
        var corpora = stage.Perplexity.Select(p => (DataLocations.CorpusName(p), DataLocations.Corpora.ContainsKey(p)
            ? DataLocations.ResolveCorpus(p, evalDir, run.Config.BaseDirectory) : run.Resolve(p))).ToList();
        return (evalDir, tasks, corpora);
    }
}
