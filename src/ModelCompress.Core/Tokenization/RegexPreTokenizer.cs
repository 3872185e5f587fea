using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// Splits text into pre-tokens with a regex (matches and the gaps between them are both kept, as in the
/// Hugging Face "Split ... Isolated" pre-tokenizer).
/// .NET regexes see UTF-16 units, so a character outside the BMP (an emoji, a rare CJK letter) would look like two
/// surrogates and break classes such as <c>\p{L}</c>. Such characters are therefore matched through a stand-in: a BMP
/// character of the same Unicode category, and the match positions are mapped back to the original text.
/// </summary>
internal sealed class RegexPreTokenizer(string pattern)
{
    private static readonly Lazy<char[]> StandIns = new(BuildStandIns);
    private readonly Regex _regex = new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public string Pattern => pattern;

    public List<string> Split(string text)
    {
        var pieces = new List<string>();
        if (text.Length == 0) return pieces;
        (string subject, int[]? origin) = MapSupplementary(text);
        int last = 0;
        for (Match m = _regex.Match(subject); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            int start = origin?[m.Index] ?? m.Index, end = origin?[m.Index + m.Length] ?? m.Index + m.Length;
            if (start > last) pieces.Add(text[last..start]);
            pieces.Add(text[start..end]);
            last = end;
        }
        if (last < text.Length) pieces.Add(text[last..]);
        return pieces;
    }

    /// <summary>Replaces each surrogate pair by one stand-in; origin[i] is the text index of subject index i.</summary>
    private static (string Subject, int[]? Origin) MapSupplementary(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')) return (text, null);
        var chars = new char[text.Length];
        var origin = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            origin[n] = i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]));
                chars[n++] = StandIns.Value[(int)category];
                i++;
            }
            else chars[n++] = text[i];
        }
        origin[n] = text.Length;
        return (new string(chars, 0, n), origin);
    }

    /// <summary>For each Unicode category, the first non-ASCII BMP character of that category.</summary>
    private static char[] BuildStandIns()
    {
        var standIns = new char[32];
        Array.Fill(standIns, '\u00A9'); // '©' (OtherSymbol) for categories without a BMP member
        var found = new bool[32];
        for (int c = 0x80; c <= 0xFFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            int category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (found[category]) continue;
            found[category] = true;
            standIns[category] = (char)c;
        }
        return standIns;
    }
}
