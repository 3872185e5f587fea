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
    public static RunOutcome Run(PipelineConfig config, JsonObject effectiveConfig, RunOptions options,
        CancellationToken cancellation = default)
    {
        var started = DateTimeOffset.UtcNow;
        // Before the first TorchSharp call loads libtorch.
        LibTorchSelection.UseConfigured(config.Compute.Libtorch, config.BaseDirectory);
        if (config.Compute.Threads > 0) TorchSharp.torch.set_num_threads(config.Compute.Threads);
        var run = new RunContext(config, options) { Cancellation = cancellation };
        var walk = StageWalk.ForRun(run).Walk();
        var ledger = walk.Ledger;
        string baseFolder = walk.Base.Path;
        var current = walk.Current;
        string? baselineEval = ledger.Evaluations.LastOrDefault(e => e.Baseline)?.Folder;
        var evaluations = ledger.Evaluations.Where(e => !e.Baseline).ToList();
        // Parameter counts come from safetensors headers; each folder is read once.
        var parameterCounts = new Dictionary<string, long>();
        long Parameters(string folder)
        {
            if (parameterCounts.TryGetValue(folder, out long known)) return known;
            using var reader = CheckpointReader.Open(folder);
            return parameterCounts[folder] = reader.Files.Sum(f => f.Entries.Sum(e => e.Elements));
        }
        var evaluated = evaluations.Select(e => (e.Stage, Values: EvaluationArtifact.Read(e.Folder, Parameters(e.ModelFolder)))).ToList();
        var baseline = baselineEval is null
            ? ParametersOnly(Parameters(baseFolder))
            : EvaluationArtifact.Read(baselineEval, Parameters(baseFolder));
        var candidate = evaluations.Count == 0 ? ParametersOnly(Parameters(current.Path))
            : EvaluationArtifact.Read(evaluations[^1].Folder, Parameters(current.Path));
        var gates = GateEvaluator.Evaluate(config.Gates, baseline, candidate);
        var verdict = gates.All(g => g.Passed) ? Verdict.Passed : Verdict.GateFailed;
        var outcome = new RunOutcome(config.Name, verdict, baseFolder, current.Path, baseline, candidate, gates, ledger.Pruning,
            ledger.Records, ledger.ScoresFile, started, DateTimeOffset.UtcNow)
        {
            Evaluations = evaluated,
            EvaluationFolders = ledger.Evaluations,
        };
        RunFolder.Write(outcome, effectiveConfig, run);
        run.Progress.Message(
            $"verdict: {(verdict == Verdict.Passed ? "PASSED" : "FAILED")} — {Path.Combine(options.OutRoot, config.Name)}");
        return outcome;
    }

    private static MetricValues ParametersOnly(long parameters) =>
        new(new Dictionary<string, double> { ["parameters"] = parameters }, new Dictionary<string, bool[]>());
}
