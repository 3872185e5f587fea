using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Perplexity (Lu et al. 2024, §3.1): remove one layer at a time; the perplexity of the remaining model on the
/// calibration windows is the layer's score, so the layer whose removal hurts least scores lowest.
/// The unpruned prefix is shared: the walk keeps the input of layer i and runs only layers i+1.. for each candidate
/// (L(L+1)/2 layer calls in all; in low-memory mode each call may read the layer from disk).
/// </summary>
public sealed class PerplexityMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.Perplexity;

    public MetricResult Score(ScoringContext context)
    {
        var scores = new double[context.Config.NumHiddenLayers];
        LayerWalk.Run(context, "perplexity without each layer", step =>
        {
            using var scope = NewDisposeScope();
            var h = step.Input; // the unpruned prefix's output: skip layer step.Index, run the rest
            for (int i = step.Index + 1; i < scores.Length; i++) h = step.Runner.Layer(i, h);
            scores[step.Index] = Perplexity(step.Runner, h, step.Ids);
        });
        return MetricResult.PerLayer(scores);
    }

    // exp(mean NLL), one window at a time so (S, T, vocab) logits never exist at once.
    internal static double Perplexity(ILayerRunner runner, Tensor hidden, Tensor ids)
    {
        double nll = 0;
        long count = 0;
        for (int s = 0; s < ids.shape[0]; s++)
        {
            using var scope = NewDisposeScope();
            var (sum, n) = CausalLoss.Nll(runner.Logits(hidden.narrow(0, s, 1)), ids.narrow(0, s, 1));
            nll += sum.item<float>();
            count += n;
        }
        return Math.Exp(nll / count);
    }
}
