using System.Text.RegularExpressions;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// Cuts text around literal occurrences of special/added tokens (longest match wins), so that the ordinary
/// tokenizer only sees the text between them.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly Dictionary<string, int> _tokens;
    private readonly Regex? _regex;

    public SpecialTokenSplitter(IReadOnlyDictionary<string, int> tokens)
    {
        _tokens = tokens.Where(t => t.Key.Length > 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        if (_tokens.Count == 0) return;
        // Alternation tries alternatives in order, so longest first gives the longest literal match.
        string pattern = string.Join("|", _tokens.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
            .Select(Regex.Escape));
        _regex = new Regex(pattern, RegexOptions.CultureInvariant);
    }

    public static SpecialTokenSplitter Empty { get; } = new(new Dictionary<string, int>());

    public IReadOnlyDictionary<string, int> Tokens => _tokens;

    /// <summary>
    /// Calls <paramref name="onText"/> for each stretch of ordinary text (never empty) and
    /// <paramref name="onSpecial"/> for each special token id, in order.
    /// </summary>
    public void Split(string text, Action<string> onText, Action<int> onSpecial)
    {
        if (_regex is null)
        {
            if (text.Length > 0) onText(text);
            return;
        }
        int start = 0;
        for (Match m = _regex.Match(text); m.Success; m = m.NextMatch())
        {
            if (m.Index > start) onText(text[start..m.Index]);
            onSpecial(_tokens[m.Value]);
            start = m.Index + m.Length;
        }
        if (start < text.Length) onText(text[start..]);
    }
}

/// <summary>A token matched literally in the input (Hugging Face "added token"); special ones are dropped by Decode.</summary>
internal readonly record struct AddedToken(string Content, int Id, bool Special);
