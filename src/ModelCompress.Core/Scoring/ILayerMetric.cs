using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>Everything a metric may use. Data metrics get calibration windows; forward-only ones may run layer by layer.</summary>
public sealed record ScoringContext(
    string ModelFolder, LlamaConfig Config, CalibrationSet? Calibration, long Seed, Device Device, ScalarType DType,
    bool LowMemory, BlockInfluenceReduction BiReduction, int BlockSize, IProgressSink Progress)
{
    /// <summary>Where a whole loaded model's parts go (several devices); null: all on <see cref="Device"/>.</summary>
    public PlacementRule? Place { get; init; }

    /// <summary>Loads the whole model, placed by <see cref="Place"/>.</summary>
    public LlamaForCausalLM LoadModel() =>
        HfModelFolder.Load(ModelFolder, Place ?? (c => LayerPlacement.Single(Device, c.NumHiddenLayers)), DType);

    public CalibrationSet RequireCalibration() =>
        Calibration ?? throw new InvalidOperationException("this metric needs calibration text");

    /// <summary>A runner over the whole model in memory, or one layer at a time in low-memory mode.</summary>
    public ILayerRunner OpenRunner() => LowMemory
        ? new StreamingLayerRunner(ModelFolder, Device, DType)
        : new LoadedModelRunner(LoadModel());
}

/// <summary>Per-layer scores and the order in which layers would be removed (least important first).</summary>
public sealed record MetricResult(IReadOnlyList<LayerScore> Layers, IReadOnlyList<int> RemovalOrder)
{
    public static MetricResult PerLayer(double[] scores) =>
        new(scores.Select((s, i) => new LayerScore(i, s)).ToArray(), LayerScores.AscendingOrder(scores));
}

/// <summary>A layer-importance metric: lower score = less important = removed first.</summary>
public interface ILayerMetric
{
    ScoringMetric Metric { get; }
    MetricResult Score(ScoringContext context);
}
