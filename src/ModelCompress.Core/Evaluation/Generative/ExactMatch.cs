using System.Text.RegularExpressions;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// The harness's <c>exact_match</c> options (its metric_list entry): regexes removed first, in order, from both the
/// prediction and the reference; then lower case; then ASCII punctuation removed (Python's <c>string.punctuation</c>).
/// </summary>
public sealed record ExactMatchOptions(
    bool IgnoreCase = false, bool IgnorePunctuation = false, IReadOnlyList<string>? RegexesToIgnore = null);

/// <summary>
/// Exact match as lm-evaluation-harness computes it (<c>exact_match_hf_evaluate</c>, the Hugging Face <c>evaluate</c> metric):
/// 1 when the normalised prediction equals the normalised reference, else 0.
/// </summary>
public static class ExactMatch
{
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static bool Matches(string prediction, string reference, ExactMatchOptions options) =>
        Normalize(prediction, options) == Normalize(reference, options);

    /// <summary>The text as compared: <c>re.sub(regex, "", text)</c> for each regex, then case and punctuation.</summary>
    public static string Normalize(string text, ExactMatchOptions options)
    {
        foreach (string pattern in options.RegexesToIgnore ?? []) text = Regex.Replace(text, pattern, "", RegexOptions.CultureInvariant);
        if (options.IgnoreCase) text = text.ToLowerInvariant();
        if (options.IgnorePunctuation) text = string.Concat(text.Where(c => !Punctuation.Contains(c)));
        return text;
    }
}
