using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>What to score and how; validated before any weight is read.</summary>
public sealed record ScoringRequest(
    string ModelFolder, ScoringMetric Metric, string? CalibrationFile = null, int Samples = 10, int SeqLen = 128, long Seed = 42,
    BlockInfluenceReduction BiReduction = BlockInfluenceReduction.PerToken, int BlockSize = 1, bool LowMemory = false);

/// <summary>Scores every decoder layer of a model folder with one metric.</summary>
public static class LayerScorer
{
    public static ILayerMetric For(ScoringMetric metric) => metric switch
    {
        ScoringMetric.ReverseOrder => new ReverseOrderMetric(),
        ScoringMetric.Random => new RandomMetric(),
        ScoringMetric.MagnitudeL1 => new MagnitudeMetric(1),
        ScoringMetric.MagnitudeL2 => new MagnitudeMetric(2),
        ScoringMetric.Taylor => new TaylorMetric(),
        ScoringMetric.Perplexity => new PerplexityMetric(),
        ScoringMetric.BlockInfluence => new BlockInfluenceMetric(),
        ScoringMetric.Angular => new AngularDistanceMetric(),
        ScoringMetric.Window => new WindowMetric(),
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>Scores <c>request.ModelFolder</c> on <paramref name="device"/>, or placed by <paramref name="place"/> (several
    /// devices) when the whole model is loaded.</summary>
    public static LayerScores Score(ScoringRequest request, Device device, ScalarType dtype, IProgressSink? progress = null,
                                    PlacementRule? place = null)
    {
        var config = TensorInventory.Validate(request.ModelFolder);
        Validate(request, config);
        CalibrationSet? calibration = null;
        if (request.Metric.NeedsCalibration())
        {
            var tokenizer = TokenizerLoader.FromFolder(request.ModelFolder);
            calibration = CalibrationSet.Load(request.CalibrationFile!, tokenizer, request.Samples, request.SeqLen, request.Seed);
        }
        var context = new ScoringContext(request.ModelFolder, config, calibration, request.Seed, device, dtype, request.LowMemory,
            request.BiReduction, request.BlockSize, progress ?? NullProgress.Instance) { Place = place };
        var result = For(request.Metric).Score(context);
        foreach (var layer in result.Layers)
            NonFinite.Check(layer.Score, $"{request.ModelFolder}: the {request.Metric.Name()} score of layer {layer.Index}");
        var settings = new ScoreSettings(
            request.Metric == ScoringMetric.BlockInfluence
                ? (request.BiReduction == BlockInfluenceReduction.PerToken ? "per-token" : "flattened")
                : null,
            request.Metric.ScoresBlocks() ? request.BlockSize : null);
        return new LayerScores(request.Metric.Name(), ModelIdentity.Of(request.ModelFolder), calibration?.Info, settings,
            result.Layers, result.RemovalOrder);
    }

    private static void Validate(ScoringRequest request, LlamaConfig config)
    {
        if (request.Metric.NeedsCalibration() && request.CalibrationFile is null)
            throw new InvalidInputException($"metric '{request.Metric.Name()}' needs calibration text: pass --calibration FILE.");
        if (request.LowMemory && !request.Metric.IsForwardOnly())
            throw new InvalidInputException("--low-memory applies to forward-only metrics (perplexity, block-influence, angular), " +
                                            $"not '{request.Metric.Name()}'.");
        if (request.Metric.ScoresBlocks() && (request.BlockSize < 1 || request.BlockSize >= config.NumHiddenLayers))
            throw new InvalidInputException($"--block-size must be between 1 and {config.NumHiddenLayers - 1} " +
                                            $"for a model of {config.NumHiddenLayers} layers (got {request.BlockSize}).");
    }
}
