using System.Globalization;
using ModelCompress.Core.Config;

namespace ModelCompress.Core.Gates;

/// <summary>Measured metrics of one model: values by key (<c>arc_easy.acc</c>, <c>average.acc</c>, <c>parameters</c>) and
/// per-item correctness by the same keys where a task has items.</summary>
public sealed record MetricValues(IReadOnlyDictionary<string, double> Values, IReadOnlyDictionary<string, bool[]> Items)
{
    /// <summary>Sample size, standard error and chance level by the same keys, where the evaluation recorded them.</summary>
    public IReadOnlyDictionary<string, MetricStats> Stats { get; init; } = new Dictionary<string, MetricStats>();
}

/// <summary>The outcome of one condition of one gate.</summary>
public sealed record GateVerdict(string Metric, string Condition, double? Baseline, double? Candidate, bool Passed, string Detail);

/// <summary>
/// Resolves gates against the measured baseline (Olive-style quality goals as data). "Drop" always means getting worse:
/// lower for accuracies, higher for perplexities, bits per byte and parameter counts; details say "better by" or "worse by".
/// An accuracy within two standard errors of chance does not change a verdict, but its detail says so.
/// </summary>
public static class GateEvaluator
{
    public static bool LowerIsBetter(string metric) =>
        metric.Contains("perplexity", StringComparison.Ordinal) || metric.EndsWith("bits_per_byte", StringComparison.Ordinal)
        || metric == "parameters";

    public static IReadOnlyList<GateVerdict> Evaluate(IReadOnlyList<GateConfig> gates, MetricValues baseline, MetricValues candidate) =>
        gates.SelectMany(g => Evaluate(g, baseline, candidate)).ToList();

    private static IEnumerable<GateVerdict> Evaluate(GateConfig gate, MetricValues baseline, MetricValues candidate)
    {
        string? warning = string.Join(" ", new[]
        {
            MetricStats.ChanceWarning(gate.Metric, "candidate", candidate.Values.GetValueOrDefault(gate.Metric, double.NaN),
                candidate.Stats.GetValueOrDefault(gate.Metric)),
            MetricStats.ChanceWarning(gate.Metric, "baseline", baseline.Values.GetValueOrDefault(gate.Metric, double.NaN),
                baseline.Stats.GetValueOrDefault(gate.Metric)),
        }.OfType<string>());
        return Conditions(gate, baseline, candidate).Select(v => warning.Length == 0 ? v : v with { Detail = $"{v.Detail} {warning}" });
    }

    private static IEnumerable<GateVerdict> Conditions(GateConfig gate, MetricValues baseline, MetricValues candidate)
    {
        string m = gate.Metric;
        double? b = baseline.Values.TryGetValue(m, out double bv) ? bv : null,
            c = candidate.Values.TryGetValue(m, out double cv) ? cv : null;
        if (c is null)
        {
            yield return new GateVerdict(m, "present", b, null, false, $"'{m}' is not in the candidate's results.");
            yield break;
        }
        double worse = b is null ? 0 : LowerIsBetter(m) ? c.Value - b.Value : b.Value - c.Value; // > 0: candidate is worse
        if (gate.Min is double min)
            yield return new(m, $"min {F(min)}", b, c, c >= min,
                c >= min ? $"{F(c.Value)} ≥ {F(min)}" : $"{F(c.Value)} is {F(min - c.Value)} below the minimum {F(min)}");
        if (gate.Max is double max)
            yield return new(m, $"max {F(max)}", b, c, c <= max,
                c <= max ? $"{F(c.Value)} ≤ {F(max)}" : $"{F(c.Value)} is {F(c.Value - max)} above the maximum {F(max)}");
        if (gate.MaxDrop is double drop)
        {
            if (b is null) yield return new(m, $"max_drop {F(drop)}", null, c, false, $"'{m}' is not in the baseline's results.");
            else yield return new(m, $"max_drop {F(drop)}", b, c, worse <= drop,
                worse <= 0 ? Direction(worse, "") : worse <= drop ? $"worse by {F(worse)} ≤ {F(drop)} allowed"
                    : $"worse by {F(worse)} > {F(drop)} allowed ({F(worse - drop)} over)");
        }
        if (gate.MaxRelativeDrop is double percent)
        {
            if (b is null || b == 0)
                yield return new(m, $"max_relative_drop {F(percent)}%", b, c, false, $"'{m}' has no non-zero baseline to compare with.");
            else
            {
                double relative = 100 * worse / Math.Abs(b.Value);
                yield return new(m, $"max_relative_drop {F(percent)}%", b, c, relative <= percent,
                    relative <= 0 ? Direction(relative, "%") : relative <= percent ? $"worse by {P(relative)}% ≤ {F(percent)}% allowed"
                        : $"worse by {P(relative)}% > {F(percent)}% allowed ({P(relative - percent)} points over)");
            }
        }
        if (gate.NotSignificantlyWorse is { } test)
        {
            if (!baseline.Items.TryGetValue(m, out var bi) || !candidate.Items.TryGetValue(m, out var ci))
                yield return new(m, $"not_significantly_worse α={F(test.Alpha)}", b, c, false, $"'{m}' has no per-item results to pair.");
            else
            {
                var r = McNemarTest.Run(bi, ci);
                bool passed = r.PValue >= test.Alpha;
                yield return new(m, $"not_significantly_worse α={F(test.Alpha)}", b, c, passed,
                    $"McNemar exact one-sided p = {r.PValue.ToString("G4", CultureInfo.InvariantCulture)} " +
                    $"({r.BaselineOnly} items only the baseline got right, {r.CandidateOnly} only the candidate)" +
                    $"{(passed ? "" : $" < α = {F(test.Alpha)}")}");
            }
        }
    }

    // A change that is not worse: "better by 0.03", "better by 6.1%", or "unchanged".
    private static string Direction(double worse, string unit) =>
        worse == 0 ? "unchanged" : $"better by {(unit.Length == 0 ? F(-worse) : P(-worse))}{unit}";

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    // A percentage to a tenth, as a reviewer reads it.
    private static string P(double v) => v.ToString(Math.Abs(v) < 0.1 ? "0.##" : "0.#", CultureInfo.InvariantCulture);
}
