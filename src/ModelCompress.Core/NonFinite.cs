
namespace ModelCompress.Core;

/// <summary>
/// Non-finite numbers (NaN, ±Inf) caught where they arise — layer scores, training losses, log-likelihoods — and reported
/// by name as invalid input (exit 2): they come from a checkpoint with non-finite weights or a diverging learning rate,
/// and nothing downstream (rankings, gates, JSON files) can be trusted once one appears.
/// </summary>
public static class NonFinite
{
    /// <summary>Throws when <paramref name="value"/> is not finite; <paramref name="what"/> names it
    /// ("layer 3's block-influence score").</summary>
    public static double Check(double value, string what, string? hint = null) => double.IsFinite(value) ? value
        : throw new InvalidInputException($"{what} is {Describe(value)}. " + (hint ??
            "The model produces non-finite values: check the checkpoint for NaN or Inf weights (a broken conversion or export)."));

    private static string Describe(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity";
}
