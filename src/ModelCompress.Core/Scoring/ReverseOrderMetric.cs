namespace ModelCompress.Core.Scoring;

/// <summary>
/// Reverse-order (Lu et al. 2024, §3.1): the deepest layers are the least important; layer i of L scores L-1-i, so the
/// last layer is removed first. The paper's best metric.
/// </summary>
public sealed class ReverseOrderMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.ReverseOrder;

    public MetricResult Score(ScoringContext context)
    {
        int layers = context.Config.NumHiddenLayers;
        return MetricResult.PerLayer(Enumerable.Range(0, layers).Select(i => (double)(layers - 1 - i)).ToArray());
    }
}
