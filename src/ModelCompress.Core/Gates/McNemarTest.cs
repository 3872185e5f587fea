namespace ModelCompress.Core.Gates;

/// <summary>
/// The exact one-sided McNemar test for "the candidate is worse than the baseline" on paired per-item correctness.
/// Only discordant items count: b = baseline right and candidate wrong, c = baseline wrong and candidate right.
/// Under H0 (no difference) b ~ Binomial(b + c, 1/2); the p-value is P(X ≥ b).
/// </summary>
public static class McNemarTest
{
    public sealed record Result(int BaselineOnly, int CandidateOnly, double PValue);

    public static Result Run(IReadOnlyList<bool> baseline, IReadOnlyList<bool> candidate)
    {
        if (baseline.Count != candidate.Count)
            throw new ArgumentException($"paired test needs the same items: baseline has {baseline.Count}, candidate {candidate.Count}.");
        int b = 0, c = 0;
        for (int i = 0; i < baseline.Count; i++)
        {
            if (baseline[i] && !candidate[i]) b++;
            else if (!baseline[i] && candidate[i]) c++;
        }
        return new Result(b, c, UpperTail(b + c, b));
    }

    /// <summary>P(X ≥ k) for X ~ Binomial(n, 1/2), summed in log space (n = 20,000 is exact to ~1e-9).</summary>
    public static double UpperTail(int n, int k)
    {
        if (k <= 0) return 1.0;
        if (k > n) return 0.0;
        var logFactorial = new double[n + 1];
        for (int i = 1; i <= n; i++) logFactorial[i] = logFactorial[i - 1] + Math.Log(i);
        double logHalfPowN = n * Math.Log(0.5), sum = 0;
        for (int x = k; x <= n; x++) sum += Math.Exp(logFactorial[n] - logFactorial[x] - logFactorial[n - x] + logHalfPowN);
        return Math.Min(1.0, sum);
    }
}
