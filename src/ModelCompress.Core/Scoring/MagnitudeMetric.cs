using ModelCompress.Core.Checkpoints;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Magnitude (Lu et al. 2024, §3.1, after LLM-Pruner): per layer, the sum over its projection matrices and two RMSNorm
/// weights of Σ|w|^p, p = 1 or 2, without a p-th root (as the paper's code). Biases are not included.
/// Reads tensors straight from the checkpoint, one at a time; the model is never built.
/// </summary>
public sealed class MagnitudeMetric(int p) : ILayerMetric
{
    public ScoringMetric Metric => p == 1 ? ScoringMetric.MagnitudeL1 : ScoringMetric.MagnitudeL2;

    public MetricResult Score(ScoringContext context)
    {
        var scores = new double[context.Config.NumHiddenLayers];
        using var reader = CheckpointReader.Open(context.ModelFolder);
        var names = reader.Names.Where(n => LayerKeys.LayerOf(n) is not null && n.EndsWith(".weight", StringComparison.Ordinal)).ToList();
        using var progress = context.Progress.Start("magnitude", names.Count, "tensors");
        foreach (string name in names)
        {
            using var scope = NewDisposeScope();
            var (file, entry) = reader.Locate(name);
            var weight = file.Read(entry).to(ScalarType.Float64);
            scores[LayerKeys.LayerOf(name)!.Value] += weight.abs().pow(p).sum().item<double>();
            progress.Advance(1);
        }
        return MetricResult.PerLayer(scores);
    }
}
