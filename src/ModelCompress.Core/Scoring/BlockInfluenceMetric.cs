using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Block influence (ShortGPT, Men et al. 2024; Lu et al. 2024, §3.1): BI_i = 1 − cos(input of layer i, output of layer i).
/// A layer that barely changes its input scores low. <see cref="BlockInfluenceReduction.PerToken"/> averages per-token
/// cosines (ShortGPT); <see cref="BlockInfluenceReduction.Flattened"/> takes one cosine over the flattened batch (the
/// reassessment paper's code). Cosines are computed in float32.
/// </summary>
public sealed class BlockInfluenceMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.BlockInfluence;

    public MetricResult Score(ScoringContext context)
    {
        var calibration = context.RequireCalibration();
        using var runner = context.OpenRunner();
        using var noGrad = no_grad();
        int layers = runner.Config.NumHiddenLayers;
        var scores = new double[layers];
        using var ids = calibration.Batch(0, calibration.Windows.Count, runner.Device);
        var hidden = runner.Embed(ids);
        using var progress = context.Progress.Start("block influence", layers, "layers");
        for (int i = 0; i < layers; i++)
        {
            var output = runner.Layer(i, hidden);
            scores[i] = 1 - Cosine(hidden, output, context.BiReduction);
            hidden.Dispose();
            hidden = output;
            progress.Advance(1);
        }
        hidden.Dispose();
        return MetricResult.PerLayer(scores);
    }

    /// <summary>Cosine similarity of (S, T, hidden) states, reduced as requested.</summary>
    public static double Cosine(Tensor a, Tensor b, BlockInfluenceReduction reduction)
    {
        using var scope = NewDisposeScope();
        var x = a.to(ScalarType.Float32);
        var y = b.to(ScalarType.Float32);
        return reduction == BlockInfluenceReduction.PerToken
            ? nn.functional.cosine_similarity(x, y, dim: -1).mean().item<float>()               // mean over S·T tokens
            : nn.functional.cosine_similarity(x.reshape(1, -1), y.reshape(1, -1), dim: -1).item<float>();
    }
}
