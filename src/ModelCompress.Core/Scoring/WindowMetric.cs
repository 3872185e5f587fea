namespace ModelCompress.Core.Scoring;

/// <summary>
/// Window search (Minitron, Muralidharan et al. 2024, §4 "depth pruning"; Sreenivas et al. 2024): every contiguous window of
/// n layers (n = the block size; prune passes the number of layers to remove) is removed in turn, and the perplexity of the
/// remaining model on the calibration windows is the window's score. The window whose removal hurts least scores lowest and
/// is removed as a whole: scores are indexed by window start, and the removal order lists that window's n layers.
/// The prefix before each window is shared, as in <see cref="PerplexityMetric"/> (about L²/2 layer calls in all).
/// </summary>
public sealed class WindowMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.Window;

    public MetricResult Score(ScoringContext context)
    {
        int layers = context.Config.NumHiddenLayers, n = context.BlockSize;
        var scores = new double[layers - n + 1];
        LayerWalk.Run(context, $"perplexity without each window of {n}", step =>
        {
            if (step.Index >= scores.Length) return;
            using var scope = TorchSharp.torch.NewDisposeScope();
            var h = step.Input; // the output of layers 0..start-1: skip the window, run the rest
            for (int i = step.Index + n; i < layers; i++) h = step.Runner.Layer(i, h);
            scores[step.Index] = PerplexityMetric.Perplexity(step.Runner, h, step.Ids);
        });
        int best = LayerScores.AscendingOrder(scores)[0];
        return new MetricResult(scores.Select((s, l) => new LayerScore(l, s)).ToArray(), Enumerable.Range(best, n).ToArray());
    }
}
