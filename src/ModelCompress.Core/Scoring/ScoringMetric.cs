
namespace ModelCompress.Core.Scoring;

/// <summary>
/// The layer-importance metrics of Lu et al. (2024), §3, plus Gromov et al.'s angular distance and Minitron's window search.
/// </summary>
public enum ScoringMetric { ReverseOrder, Random, MagnitudeL1, MagnitudeL2, Taylor, Perplexity, BlockInfluence, Angular, Window }

/// <summary>How block influence reduces cosine similarities over a calibration batch.</summary>
public enum BlockInfluenceReduction
{
    /// <summary>Mean of per-token cosines (ShortGPT, Men et al. 2024). Default.</summary>
    PerToken,
    /// <summary>One cosine between the flattened batch input and output (the paper's code).</summary>
    Flattened,
}

/// <summary>Names and properties of <see cref="ScoringMetric"/>.</summary>
public static class ScoringMetrics
{
    public static IEnumerable<string> Names => EnumNames.Of<ScoringMetric>();

    public static ScoringMetric Parse(string name) => EnumNames.TryParse<ScoringMetric>(name)
        ?? throw new InvalidInputException($"unknown metric '{name}' (use one of: {string.Join(", ", Names)}).");

    /// <summary>Metrics that need calibration text.</summary>
    public static bool NeedsCalibration(this ScoringMetric metric) =>
        metric is ScoringMetric.Taylor or ScoringMetric.Perplexity or ScoringMetric.BlockInfluence or ScoringMetric.Angular
            or ScoringMetric.Window;

    /// <summary>Metrics computed from weights alone, without building the model (pruning can stream).</summary>
    public static bool IsDataFree(this ScoringMetric metric) => !metric.NeedsCalibration();

    /// <summary>Forward-only metrics, which can run one layer at a time in low-memory mode.</summary>
    public static bool IsForwardOnly(this ScoringMetric metric) =>
        metric is ScoringMetric.Perplexity or ScoringMetric.BlockInfluence or ScoringMetric.Angular or ScoringMetric.Window;

    /// <summary>Metrics that score blocks of <c>block_size</c> consecutive layers, indexed by the block's first layer.</summary>
    public static bool ScoresBlocks(this ScoringMetric metric) => metric is ScoringMetric.Angular or ScoringMetric.Window;
}
