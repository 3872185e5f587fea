using System.Globalization;

namespace ModelCompress.Core.Gates;

/// <summary>
/// How one metric was measured: <see cref="N"/> items (windows or documents for a perplexity), the standard error of the mean
/// where the evaluation reports one (lm-evaluation-harness's <c>acc_stderr</c>), and for an accuracy the chance level: the mean
/// over the items of 1 / number of choices, which is what a broken model (a bad export, scrambled weights) scores.
/// </summary>
public sealed record MetricStats(int N, double? Stderr = null, double? Chance = null)
{
    /// <summary>How many standard errors from chance still count as "at chance".</summary>
    public const double ChanceBand = 2;

    /// <summary>True when <paramref name="value"/> is within <see cref="ChanceBand"/> standard errors of <see cref="Chance"/>.</summary>
    public bool NearChance(double value) =>
        Chance is double chance && Stderr is double se && double.IsFinite(se) && Math.Abs(value - chance) <= ChanceBand * se;

    /// <summary>The value with its standard error where there is one: <c>0.9028 ± 0.0351</c>.</summary>
    public static string WithStderr(double value, MetricStats? stats) =>
        F(value) + (stats?.Stderr is double se && double.IsFinite(se) ? $" ± {F(se)}" : "");

    /// <summary>The warning for a value at chance, naming whose value it is (<c>candidate</c>, <c>baseline</c>); null otherwise.</summary>
    public static string? ChanceWarning(string metric, string model, double? value, MetricStats? stats) =>
        value is double v && stats is not null && stats.NearChance(v)
            ? $"⚠️ the {model}'s {metric} {WithStderr(v, stats)} (n = {stats.N}) is within {F(ChanceBand)} standard errors of chance " +
              $"({F(stats.Chance!.Value)}): a broken model scores at chance."
            : null;

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
