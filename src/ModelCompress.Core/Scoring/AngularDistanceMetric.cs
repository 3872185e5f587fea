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
        var calibration = context.RequireCalibration();
        using var runner = context.OpenRunner();
        using var noGrad = no_grad();
        int layers = runner.Config.NumHiddenLayers, n = context.BlockSize;
        using var ids = calibration.Batch(0, calibration.Windows.Count, runner.Device);
        var lastTokens = new List<Tensor>(); // h_0..h_L at the last position, (S, hidden) each, float32
        var hidden = runner.Embed(ids);
        using (var progress = context.Progress.Start("angular distance", layers, "layers"))
        {
            for (int i = 0; i <= layers; i++)
            {
                lastTokens.Add(hidden.select(1, -1).to(ScalarType.Float32).DetachFromDisposeScope());
                if (i == layers) break;
                var output = runner.Layer(i, hidden);
                hidden.Dispose();
                hidden = output;
                progress.Advance(1);
            }
        }
        hidden.Dispose();
        var scores = Enumerable.Range(0, layers - n + 1).Select(l => Distance(lastTokens[l], lastTokens[l + n])).ToArray();
        foreach (var t in lastTokens) t.Dispose();
        int best = LayerScores.AscendingOrder(scores)[0];
        return new MetricResult(scores.Select((s, l) => new LayerScore(l, s)).ToArray(), Enumerable.Range(best, n).ToArray());
    }

    private static double Distance(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var cosine = nn.functional.cosine_similarity(a, b, dim: -1).clamp(-1, 1); // (S)
        return (cosine.acos() / Math.PI).mean().item<float>();
    }
}
