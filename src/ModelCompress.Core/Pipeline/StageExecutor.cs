using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Data;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Pipeline;

/// <summary>Runs one stage of each type against the stage cache; each method maps an input artifact to an output.</summary>
public sealed class StageExecutor(RunContext run)
{
    public List<StageRecord> Records { get; } = [];

    /// <summary>For each evaluation output folder, the model folder it evaluated.</summary>
    public Dictionary<string, string> EvaluatedModels { get; } = [];

    /// <summary>Runs (or reuses) a cached step and records its time and peak memory.</summary>
    public string Step(string id, string type, string key, Action<string> produce)
    {
        var clock = Stopwatch.StartNew();
        ProcessMemory.ResetPeak();
        bool cached = run.Cache.Contains(key);
        run.Progress.Message(cached ? $"stage {id} ({type}): cached, skipped" : $"stage {id} ({type}): started");
        var (folder, _) = run.Cache.GetOrRun(key, new JsonObject { ["id"] = id, ["type"] = type, ["tool_version"] = ToolInfo.Version }, produce);
        Records.Add(new StageRecord(id, type, key, cached, clock.Elapsed.TotalSeconds, cached ? 0 : ProcessMemory.PeakBytes(), folder));
        if (!cached) run.Progress.Message($"stage {id} ({type}): done in {clock.Elapsed.TotalSeconds:F1} s");
        return folder;
    }

    /// <summary>Every removal so far, in order (an iterative stage adds one per round).</summary>
    public List<PruningReport> Pruning { get; } = [];

    /// <summary>Output folders of the score stages run so far, by stage id, with their keys.</summary>
    public Dictionary<string, (string Folder, string Key)> Scores { get; } = [];

    // Stage keys: what determines a stage's output. The planner computes the same keys without running anything.
    public string ScoreKey(ScoreStage stage, string modelKey) => run.Key("score", modelKey, stage with { Id = "" }, CalibrationKey(stage.Metric));
    public string PruneKey(PruneStage stage, string modelKey, string? scoresKey) =>
        run.Key("prune", modelKey, stage with { Id = "" }, scoresKey, CalibrationKey(stage.Metric));
    public string FinetuneKey(FinetuneStage stage, string modelKey) => run.Key("finetune", modelKey, stage with { Id = "" }, run.HashFile(run.Resolve(stage.Data)));

    public string Score(ScoreStage stage, ModelArtifact model)
    {
        string key = ScoreKey(stage, model.Key);
        string folder = Step(stage.Id, "score", key,
            output => ScoreWith(model.Folder, stage.Metric, stage.BiReduction, stage.BlockSize, stage.LowMemory).Save(Path.Combine(output, "scores.json")));
        Scores[stage.Id] = (folder, key);
        return folder;
    }

    public ModelArtifact Prune(PruneStage stage, ModelArtifact model, IReadOnlyDictionary<string, FinetuneStage> finetunes)
    {
        if (stage.Iterative is { } iterative) return PruneIteratively(stage, iterative, model, finetunes[iterative.Heal]);
        var config = LlamaConfig.Load(model.Folder);
        var source = stage.Scores is { } s ? Scores[s] : default;
        string? scoresFile = source.Folder is null ? null : Path.Combine(source.Folder, "scores.json");
        string key = PruneKey(stage, model.Key, source.Key);
        string folder = Step(stage.Id, "prune", key, output =>
        {
            var (removed, method, scores) = Choose(stage, model.Folder, config, scoresFile);
            CheckpointPruner.Prune(model.Folder, Path.Combine(output, "model"), removed, method, scores?.Layers, run.Progress);
            if (scores is not null) scores.Save(Path.Combine(output, "scores.json"));
        });
        Pruning.Add(PruningReport.Load(Path.Combine(folder, "model")));
        return new ModelArtifact(Path.Combine(folder, "model"), key);
    }

    // Remove `step` layers, heal, re-score, until `remove` layers are gone (Lu et al. 2024, §4.3, iterative pruning).
    private ModelArtifact PruneIteratively(PruneStage stage, IterativeConfig iterative, ModelArtifact model, FinetuneStage heal)
    {
        int total = RemovalSpec.Count(stage.Remove!, LlamaConfig.Load(model.Folder).NumHiddenLayers);
        for (int removed = 0, round = 1; removed < total; round++)
        {
            int now = Math.Min(iterative.Step, total - removed);
            var step = stage with { Id = $"{stage.Id}.{round}", Remove = now.ToString(System.Globalization.CultureInfo.InvariantCulture), Iterative = null };
            model = Prune(step, model, new Dictionary<string, FinetuneStage>());
            removed += now;
            if (removed < total) model = Finetune(heal with { Id = $"{stage.Id}.{round}.heal" }, model);
        }
        return model;
    }

    private (int[] Removed, string Method, LayerScores? Scores) Choose(PruneStage stage, string folder, LlamaConfig config, string? scoresFile)
    {
        if (stage.Layers is { } layers) return (RemovalSpec.Layers(layers, config.NumHiddenLayers), "explicit", null);
        int k = RemovalSpec.Count(stage.Remove!, config.NumHiddenLayers);
        var scores = scoresFile is not null ? LayerScores.Load(scoresFile) : ScoreWith(folder, stage.Metric!, "per-token", k, false);
        if (scores.RemovalOrder.Count < k)
            throw new InvalidInputException($"stage {stage.Id}: the {scores.Metric} scores rank only {scores.RemovalOrder.Count} layers for removal, fewer than {k}.");
        return ([.. scores.RemovalOrder.Take(k)], scores.Metric, scores);
    }

    private LayerScores ScoreWith(string folder, string metric, string biReduction, int blockSize, bool lowMemory)
    {
        var calibration = run.Config.Calibration;
        var request = new ScoringRequest(folder, ScoringMetrics.Parse(metric), calibration is null ? null : run.Resolve(calibration.Text),
            calibration?.Samples ?? 10, calibration?.SeqLen ?? 128, run.Seed,
            biReduction == "flattened" ? BlockInfluenceReduction.Flattened : BlockInfluenceReduction.PerToken, blockSize, lowMemory);
        return LayerScorer.Score(request, run.Device, run.DType, run.Progress);
    }

    private object? CalibrationKey(string? metric) =>
        metric is not null && ScoringMetrics.Parse(metric).NeedsCalibration() && run.Config.Calibration is { } c
            ? new { c.Samples, c.SeqLen, Text = run.HashFile(run.Resolve(c.Text)) }
            : null;

    public ModelArtifact Finetune(FinetuneStage stage, ModelArtifact model)
    {
        string data = run.Resolve(stage.Data);
        string key = FinetuneKey(stage, model.Key);
        string work = run.Cache.WorkFolder(key);
        if (!run.Options.Resume && Directory.Exists(work)) Directory.Delete(work, recursive: true); // --resume keeps the checkpoint
        string folder = Step(stage.Id, "finetune", key, output =>
        {
            var options = new TrainingOptions
            {
                Method = Enum.Parse<FineTuneMethod>(stage.Method, ignoreCase: true), TrainableLayers = stage.TrainableLayers,
                Lora = new LoraSettings(stage.Lora.R, stage.Lora.Alpha, stage.Lora.Dropout, stage.Lora.Targets), LearningRate = stage.Lr,
                Epochs = stage.Epochs, BatchSize = stage.BatchSize, MicroBatchSize = stage.MicroBatchSize, WarmupSteps = stage.WarmupSteps,
                MaxLength = stage.MaxLen, ValidationSize = stage.ValSize, MaxSteps = stage.MaxSteps, Seed = run.Seed,
                SaveSteps = 10, EvalSteps = 25,
            };
            FineTuneRun.Run(new FineTuneRequest(model.Folder, Path.Combine(output, "model"), data,
                Enum.Parse<DataFormat>(stage.Format, ignoreCase: true), Enum.Parse<PromptTemplateKind>(stage.Template, ignoreCase: true),
                options, run.Device, run.DType, work), run.Progress, run.Cancellation);
        });
        return new ModelArtifact(Path.Combine(folder, "model"), key);
    }

    private (string EvalDir, List<string> Tasks, List<(string, string)> Corpora) EvaluationInputs(EvaluateStage stage)
    {
        string evalDir = stage.Data is { } d ? run.Resolve(d) : DataLocations.DefaultEvalDir();
        var tasks = stage.Tasks.Select(t => t.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? run.Resolve(t) : t).ToList();
        var corpora = stage.Perplexity.Select(p => (DataLocations.CorpusName(p),
            DataLocations.Corpora.ContainsKey(p) ? DataLocations.ResolveCorpus(p, evalDir, run.Config.BaseDirectory) : run.Resolve(p))).ToList();
        return (evalDir, tasks, corpora);
    }

    public string EvaluateKey(EvaluateStage stage, string modelKey)
    {
        var (evalDir, tasks, corpora) = EvaluationInputs(stage);
        var inputs = tasks.Where(File.Exists).Select(run.HashFile).Concat(corpora.Select(c => run.HashFile(c.Item2))).ToList();
        return run.Key("evaluate", modelKey, stage with { Id = "" }, inputs, evalDir);
    }

    /// <summary>Evaluates a model; results.json and samples.jsonl go to the returned folder.</summary>
    public string Evaluate(EvaluateStage stage, ModelArtifact model, string label)
    {
        var (evalDir, tasks, corpora) = EvaluationInputs(stage);
        string key = EvaluateKey(stage, model.Key);
        string folder = Step($"{stage.Id} ({label})", "evaluate", key, output =>
        {
            var request = new EvaluationRequest(tasks, corpora, evalDir, stage.Limit, stage.NumFewshot, stage.BatchSize, Window: stage.Window);
            var config = new EvaluationConfig(model.Folder, model.Key, File.Exists(Path.Combine(model.Folder, "tokenizer.json")) ? "tokenizer.json" : "tokenizer.model",
                request.AddBos, stage.Limit, stage.NumFewshot, stage.BatchSize, request.SharedContext, run.Device.type.ToString().ToLowerInvariant(),
                Checkpoints.TensorDTypes.TorchDtypeName(run.DType), ToolInfo.Version);
            var inputs = EvaluationRunner.Prepare(request, LlamaConfig.Load(model.Folder));
            var tokenizer = TokenizerLoader.FromFolder(model.Folder);
            using var llm = HfModelFolder.Load(model.Folder, run.Device, run.DType);
            var report = EvaluationRunner.Run(llm, tokenizer, inputs, config, run.Progress);
            report.WriteJson(Path.Combine(output, EvaluationArtifact.ResultsFile));
            report.WriteSamples(Path.Combine(output, EvaluationArtifact.SamplesFile));
        });
        EvaluatedModels[folder] = model.Folder;
        return folder;
    }
}
