using ModelCompress.Core.Checkpoints;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Taylor (Lu et al. 2024, §3.1, after LLM-Pruner): per layer, Σ |w · ∂L/∂w| over its weights, where L is the mean
/// causal-LM loss over every predicted token of the calibration windows (gradients accumulated one window at a time).
/// Needs the whole model with gradients: there is no low-memory mode.
/// </summary>
public sealed class TaylorMetric : ILayerMetric
{
    public ScoringMetric Metric => ScoringMetric.Taylor;

    public MetricResult Score(ScoringContext context)
    {
        var calibration = context.RequireCalibration();
        using var model = context.LoadModel();
        long tokens = calibration.Windows.Count * (long)(calibration.Info.SeqLen - 1);
        using (var progress = context.Progress.Start("taylor gradients", calibration.Windows.Count, "samples"))
        {
            for (int s = 0; s < calibration.Windows.Count; s++)
            {
                using var scope = NewDisposeScope();
                var ids = calibration.Batch(s, 1, context.Device);
                var (nll, _) = CausalLoss.Nll(model.forward(ids), ids);
                (nll / tokens).backward();
                progress.Advance(1);
            }
        }
        var scores = new double[model.Config.NumHiddenLayers];
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (LayerKeys.LayerOf(name) is not int layer || !name.EndsWith(".weight", StringComparison.Ordinal)) continue;
                using var scope = NewDisposeScope();
                var grad = parameter.grad ?? throw new InvalidOperationException($"no gradient reached {name}");
                scores[layer] += (parameter.to(ScalarType.Float64) * grad.to(ScalarType.Float64)).abs().sum().item<double>();
            }
        }
        return MetricResult.PerLayer(scores);
    }
}
