namespace ModelCompress.Core;

/// <summary>"Did you mean" for misspelt names (fields, values, verbs): the closest candidate within two edits.</summary>
public static class Suggestions
{
    public static string? Nearest(string word, IEnumerable<string> candidates) =>
        candidates.Select(c => (c, d: Distance(word, c))).Where(p => p.d <= 2).OrderBy(p => p.d).Select(p => p.c).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
