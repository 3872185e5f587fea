namespace ModelCompress.Core.Scoring;

/// <summary>Random (Lu et al. 2024, §3.1, a baseline): each layer's score is its rank in a permutation drawn with the seed.</summary>
public sealed class RandomMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.Random;

    public MetricResult Score(ScoringContext context)
    {
        var permutation = Enumerable.Range(0, context.Config.NumHiddenLayers).ToArray();
        new Random((int)context.Seed).Shuffle(permutation);
        var scores = new double[permutation.Length];
        for (int rank = 0; rank < permutation.Length; rank++) scores[permutation[rank]] = rank;
        return MetricResult.PerLayer(scores);
    }
}
