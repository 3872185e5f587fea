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
        var scores = new double[context.Config.NumHiddenLayers];
        LayerWalk.Run(context, "block influence", step => scores[step.Index] = 1 - Cosine(step.Input, step.Output, context.BiReduction));
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
