using System.Text.Json.Serialization;
using ModelCompress.Core.Config;
using ModelCompress.Core.Model;
using ModelCompress.Core.Scoring;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>A <c>type: score</c> stage: rank every decoder layer with a metric (lower = removed first).</summary>
public sealed record ScoreStage(
    string Id,
    [property: JsonConverter(typeof(NamedEnumConverter<ScoringMetric>))] ScoringMetric Metric,
    [property: JsonConverter(typeof(NamedEnumConverter<BlockInfluenceReduction>))] BlockInfluenceReduction BiReduction,
    int BlockSize, bool? LowMemory) : StageConfig(Id);

/// <summary>Scores the current model's layers; the output folder holds scores.json. The model flows on unchanged.</summary>
internal sealed class ScoreStageType : StageType<ScoreStage>
{
    public override StageSyntax Syntax { get; } = Spell("score", "Score every decoder layer with a metric (lower = removed first).",
        OneOf<ScoringMetric>("metric", "Layer-importance metric.") with { Required = true },
        OneOf("bi_reduction", "block-influence: per-token (ShortGPT) or flattened (the paper's code).", BlockInfluenceReduction.PerToken),
        Int("block_size", "angular and window: consecutive layers per block.", 1, 1),
        new FieldSpec("low_memory", ValueKind.Boolean, "Forward-only metrics: true loads one layer at a time, false the whole " +
                      "model; absent: the memory plan decides (streams when the whole model would not fit in the available " +
                      "memory, see compute.memory_limit)."));

    protected override void Apply(ScoreStage stage, StageWalk walk)
    {
        var model = walk.Current;
        string? key = model.Key is null
            ? null
            : walk.Run.Key("score", model.Key, PipelineConfigLoader.Settings(stage), CalibrationKey(walk.Run, stage.Metric));
        string? folder = walk.Step(stage.Id, "score", key, model.Layers, () => stage.Metric.Name(), output =>
            Score(walk.Run, model.Path, stage.Metric, stage.BiReduction, stage.BlockSize, stage.LowMemory)
                .Save(Path.Combine(output, StageFiles.Scores)), planner => Estimate(walk.Run, planner, stage.Metric, model.Layers,
                Streams(walk.Run, planner, stage.Metric, model.Layers, stage.LowMemory).Streams));
        walk.Ledger.AddScores(stage.Id, new StageOutput(folder, key));
    }

    /// <summary>
    /// Scores a model folder with the pipeline's calibration text, seed and compute settings; <paramref name="lowMemory"/> null
    /// lets the memory plan choose between the whole model and streaming (<see cref="Streams"/>).
    /// </summary>
    internal static LayerScores Score(RunContext run, string folder, ScoringMetric metric, BlockInfluenceReduction reduction, int blockSize,
                                      bool? lowMemory)
    {
        var calibration = run.Config.Calibration;
        var planner = new Planning.MemoryPlanner(Planning.ModelDims.Of(LlamaConfig.Load(folder)), run.Target);
        var (stream, why) = Streams(run, planner, metric, planner.Dims.Layers, lowMemory);
        if (why is not null) run.Progress.Message($"score: {why}");
        var request = new ScoringRequest(folder, metric, calibration is null ? null : run.Resolve(calibration.Text),
            calibration?.Samples ?? 10, calibration?.SeqLen ?? 128, run.Seed, reduction, blockSize, stream);
        return LayerScorer.Score(request, run.Device, run.DType, run.Progress, stream ? null : run.Place());
    }

    /// <summary>
    /// Whether a score streams layers: as <paramref name="lowMemory"/> says, else (absent) when the metric is forward-only and the
    /// whole model's estimate does not fit in the target's memory. Also says why when the plan decided.
    /// </summary>
    internal static (bool Streams, string? Why) Streams(RunContext run, Planning.MemoryPlanner planner, ScoringMetric metric, int layers,
                                                        bool? lowMemory)
    {
        if (lowMemory is bool given) return (given, null);
        if (!metric.IsForwardOnly() || planner.Target.MemoryBytes <= 0) return (false, null);
        var whole = Estimate(run, planner, metric, layers, false);
        if (whole.PeakBytes <= planner.Target.MemoryBytes) return (false, null);
        return (true, $"the whole model needs {Planning.PlanVerdict.Gib(whole.PeakBytes)}, more than " +
                      $"{Planning.PlanVerdict.Gib(planner.Target.MemoryBytes)} ({planner.Target.MemorySource}): streaming one layer " +
                      "at a time (low_memory absent; set it to choose)");
    }

    /// <summary>
    /// Planning: a metric's memory and time. Data-free metrics read one tensor at a time; the others run the calibration
    /// windows (as one batch) forward — once, or once per layer for perplexity — and taylor also backward for every weight.
    /// </summary>
    internal static Planning.StageEstimate Estimate(RunContext run, Planning.MemoryPlanner planner, ScoringMetric metric, int layers,
                                                    bool lowMemory)
    {
        if (!metric.NeedsCalibration()) return planner.Copy();
        int samples = run.Config.Calibration?.Samples ?? 10, seqLen = run.Config.Calibration?.SeqLen ?? 128;
        int passes = metric == ScoringMetric.Perplexity ? layers + 1 : 1;
        return planner.Forward(layers, samples, seqLen, (double)samples * seqLen, passes, lowMemory && metric.IsForwardOnly(),
            metric == ScoringMetric.Taylor);
    }

    /// <summary>What of the calibration text a data-driven metric's scores depend on; null for data-free metrics.</summary>
    internal static object? CalibrationKey(RunContext run, ScoringMetric? metric) =>
        metric is { } m && m.NeedsCalibration() && run.Config.Calibration is { } c
            ? new { c.Samples, c.SeqLen, Text = run.HashFile(run.Resolve(c.Text)) }
            : null;
}
