using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Angular distance (Gromov et al. 2024, "The Unreasonable Ineffectiveness of the Deeper Layers"): for each block of n
/// consecutive layers starting at l, d(l) = arccos(cos(h_l, h_{l+n})) / π on the last token of each window, averaged over
/// windows, where h_l is the input of layer l (h_L the last layer's output). The block with the smallest distance is
/// removed as a whole: scores are indexed by block start, and the removal order lists that block's n layers.
/// </summary>
public sealed class AngularDistanceMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.Angular;

    public MetricResult Score(ScoringContext context)
    {
        int layers = context.Config.NumHiddenLayers, n = context.BlockSize;
        var lastTokens = new List<Tensor>(); // h_0..h_L at the last position, (S, hidden) each, float32
        LayerWalk.Run(context, "angular distance", step =>
        {
            if (step.Index == 0) lastTokens.Add(LastToken(step.Input));
            lastTokens.Add(LastToken(step.Output));
        });
        var scores = Enumerable.Range(0, layers - n + 1).Select(l => Distance(lastTokens[l], lastTokens[l + n])).ToArray();
        foreach (var t in lastTokens) t.Dispose();
        int best = LayerScores.AscendingOrder(scores)[0];
        return new MetricResult(scores.Select((s, l) => new LayerScore(l, s)).ToArray(), Enumerable.Range(best, n).ToArray());
    }

    private static Tensor LastToken(Tensor hidden) => hidden.select(1, -1).to(ScalarType.Float32).DetachFromDisposeScope();

    private static double Distance(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var cosine = nn.functional.cosine_similarity(a, b, dim: -1).clamp(-1, 1); // (S)
        return (cosine.acos() / Math.PI).mean().item<float>();
    }
}
