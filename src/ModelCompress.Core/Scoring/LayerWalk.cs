using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>One step of a walk: layer <c>Index</c> turned <c>Input</c> into <c>Output</c>, both (S, T, hidden).</summary>
public readonly record struct LayerStep(ILayerRunner Runner, Tensor Ids, int Index, Tensor Input, Tensor Output);

/// <summary>Carries all calibration windows through the decoder one layer at a time (the forward-only metrics' shared loop).</summary>
public static class LayerWalk
{
    public static void Run(ScoringContext context, string name, Action<LayerStep> visit)
    {
        var calibration = context.RequireCalibration();
        using var runner = context.OpenRunner();
        using var noGrad = no_grad();
        int layers = runner.Config.NumHiddenLayers;
        using var ids = calibration.Batch(0, calibration.Windows.Count, runner.Device);
        var hidden = runner.Embed(ids);
        using var progress = context.Progress.Start(name, layers, "layers");
        for (int i = 0; i < layers; i++)
        {
            var output = runner.Layer(i, hidden);
            visit(new LayerStep(runner, ids, i, hidden, output));
            hidden.Dispose();
            hidden = output;
            progress.Advance(1);
        }
        hidden.Dispose();
    }
}
