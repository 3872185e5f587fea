namespace ModelCompress.Core.Evaluation;

/// <summary>Aggregations as lm-evaluation-harness computes them.</summary>
public static class Statistics
{
    public static double Mean(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Standard error of the mean: sample standard deviation (n - 1) over sqrt(n) (the harness's <c>mean_stderr</c>).</summary>
    public static double MeanStderr(IReadOnlyCollection<double> values)
    {
        int n = values.Count;
        if (n < 2) return double.NaN;
        double mean = values.Average();
        double variance = values.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        return Math.Sqrt(variance) / Math.Sqrt(n);
    }

    /// <summary>Index of the first maximum (numpy's <c>argmax</c>).</summary>
    public static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Length in Unicode code points, as Python's <c>len(str)</c>.</summary>
    public static int CodePoints(string text) => text.EnumerateRunes().Count();
}
