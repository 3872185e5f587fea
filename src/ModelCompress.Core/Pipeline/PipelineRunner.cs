using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Reporting;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Storage;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// Runs a pipeline: load → stages in order (each cached by a key of its input and options) → baseline and candidate
/// evaluation → gates → the run folder (<c>model/</c> with a model card, results.json, report.md, charts, manifest.json).
/// A failed gate is a verdict, not an exception.
/// </summary>
public static class PipelineRunner
{
    public static RunOutcome Run(PipelineConfig config, JsonObject effectiveConfig, RunOptions options, CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.UtcNow;
        if (config.Compute.Threads > 0) TorchSharp.torch.set_num_threads(config.Compute.Threads);
        var run = new RunContext(config, options) { Cancellation = cancellation };
        var baseModel = BaseModel(run);
        string baseFolder = baseModel.Folder;
        var exec = new StageExecutor(run);
        var current = baseModel;
        var finetunes = config.Stages.OfType<FinetuneStage>().ToDictionary(f => f.Id);
        string? baselineEval = null, scoresFile = null;
        var evaluations = new List<(string Stage, string Folder)>();
        foreach (var stage in config.Stages)
        {
            cancellation.ThrowIfCancellationRequested();
            switch (stage)
            {
                case ScoreStage score:
                    scoresFile = Path.Combine(exec.Score(score, current), "scores.json");
                    break;
                case PruneStage prune:
                    current = exec.Prune(prune, current, finetunes);
                    string pruneScores = Path.Combine(Path.GetDirectoryName(current.Folder)!, "scores.json");
                    if (File.Exists(pruneScores)) scoresFile = pruneScores;
                    break;
                case FinetuneStage finetune:
                    current = exec.Finetune(finetune, current);
                    break;
                case EvaluateStage evaluate:
                    baselineEval = exec.Evaluate(evaluate, baseModel, "baseline");
                    evaluations.Add((evaluate.Id, exec.Evaluate(evaluate, current, "candidate")));
                    break;
            }
        }
        // Parameter counts come from safetensors headers; each folder is read once.
        var parameterCounts = new Dictionary<string, long>();
        long Parameters(string folder)
        {
            if (parameterCounts.TryGetValue(folder, out long known)) return known;
            using var reader = CheckpointReader.Open(folder);
            return parameterCounts[folder] = reader.Files.Sum(f => f.Entries.Sum(e => e.Elements));
        }
        var evaluated = evaluations.Select(e => (e.Stage, Values: EvaluationArtifact.Read(e.Folder, Parameters(ModelOf(e.Folder, exec))))).ToList();
        var baseline = baselineEval is null ? ParametersOnly(Parameters(baseFolder)) : EvaluationArtifact.Read(baselineEval, Parameters(baseFolder));
        var candidate = evaluations.Count == 0 ? ParametersOnly(Parameters(current.Folder))
            : EvaluationArtifact.Read(evaluations[^1].Folder, Parameters(current.Folder));
        var gates = GateEvaluator.Evaluate(config.Gates, baseline, candidate);
        var verdict = gates.All(g => g.Passed) ? Verdict.Passed : Verdict.GateFailed;
        var outcome = new RunOutcome(config.Name, verdict, baseFolder, current.Folder, baseline, candidate, gates, exec.Pruning, exec.Records,
            scoresFile, started, DateTimeOffset.UtcNow)
        {
            Evaluations = evaluated,
        };
        RunFolder.Write(outcome, effectiveConfig, run);
        run.Progress.Message($"verdict: {(verdict == Verdict.Passed ? "PASSED" : "FAILED")} — {Path.Combine(options.OutRoot, config.Name)}");
        return outcome;
    }

    // The model an evaluation ran on, from the stage record of the step that produced its folder.
    private static string ModelOf(string evaluationFolder, StageExecutor exec) => exec.EvaluatedModels[evaluationFolder];

    private static MetricValues ParametersOnly(long parameters) => new(new Dictionary<string, double> { ["parameters"] = parameters }, new Dictionary<string, bool[]>());

    /// <summary>The base model folder and its key (a content hash, remembered across runs).</summary>
    public static ModelArtifact BaseModel(RunContext run)
    {
        string folder = ResolveModel(run);
        LlamaConfig.Load(folder); // a local folder's tensors were checked with the config (FileChecks); each stage checks what it reads
        return new ModelArtifact(folder, run.Key("model", run.HashFolder(folder)));
    }

    private static string ResolveModel(RunContext run)
    {
        string source = run.Config.Model.Source;
        if (BlobLocation.IsBlobUrl(source))
            return run.Options.BlobCache()
                .PullAsync(BlobLocation.Parse(source), run.Progress, run.Cancellation).GetAwaiter().GetResult().Folder;
        string folder = run.Resolve(source);
        if (!Directory.Exists(folder)) throw new InvalidInputException($"model.source '{source}': folder {folder} not found.");
        return folder;
    }
}
