using System.Text.RegularExpressions;

namespace ModelCompress.Core.Evaluation.Rolling;

/// <summary>
/// The documents of lm-evaluation-harness's <c>wikitext</c> task from WikiText-2's raw test file. The harness reads
/// <c>EleutherAI/wikitext_document_level</c>, whose loader splits the file into pages at each top-level heading line
/// (<c> = Title = </c>; <c>= =</c> sub-headings stay inside) and drops pages that are only whitespace, except the last.
/// The scored text is the page after <c>wikitext_detokenizer</c> (<c>lm_eval/tasks/wikitext/preprocess_wikitext.py</c>);
/// words and bytes are counted on the page before it.
/// </summary>
public static partial class WikitextDocuments
{
    /// <summary>The pages of <paramref name="text"/> (line endings normalized to \n, as Python's text mode reads them).</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var pages = new List<string>();
        var page = new List<string>();
        foreach (string line in lines)
        {
            string heading = line.Replace("= = =", "===").Replace("= =", "==").Trim();
            if (heading.StartsWith("= ", StringComparison.Ordinal) && heading.EndsWith(" =", StringComparison.Ordinal))
            {
                string joined = string.Join("\n", page);
                if (joined.Trim().Length > 0) pages.Add(joined);
                page.Clear();
            }
            page.Add(line);
        }
        pages.Add(string.Join("\n", page));
        return pages;
    }

    /// <summary>The harness's <c>wikitext_detokenizer</c>: undoes WikiText's spacing around punctuation, numbers and brackets.</summary>
    public static string Detokenize(string page)
    {
        string s = page.Replace("s '", "s'");
        s = Regex.Replace(s, "/' [0-9]/", "/'[0-9]/");
        s = s.Replace(" @-@ ", "-").Replace(" @,@ ", ",").Replace(" @.@ ", ".");
        s = s.Replace(" : ", ": ").Replace(" ; ", "; ").Replace(" . ", ". ").Replace(" ! ", "! ").Replace(" ? ", "? ").Replace(" , ", ", ");
        s = Parentheses().Replace(s, "($1)");
        s = Brackets().Replace(s, "[$1]");
        s = Braces().Replace(s, "{$1}");
        s = DoubleQuotes().Replace(s, "\"$1\"");
        s = SingleQuotes().Replace(s, "'$1'");
        s = s.Replace("= = = =", "====").Replace("= = =", "===").Replace("= =", "==");
        s = s.Replace(" \u00b0 ", "\u00b0").Replace(" \n", "\n").Replace("\n ", "\n").Replace(" N ", " 1 ").Replace(" 's", "'s");
        return s;
    }

    /// <summary>Words as the harness counts them: <c>len(re.split(r"\s+", page))</c>.</summary>
    public static int Words(string page) => Whitespace().Split(page).Length;

    [GeneratedRegex(@"\(\s*([^\)]*?)\s*\)")]
    private static partial Regex Parentheses();

    [GeneratedRegex(@"\[\s*([^\]]*?)\s*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"{\s*([^}]*?)\s*}")]
    private static partial Regex Braces();

    [GeneratedRegex("\"\\s*([^\"]*?)\\s*\"")]
    private static partial Regex DoubleQuotes();

    [GeneratedRegex(@"'\s*([^']*?)\s*'")]
    private static partial Regex SingleQuotes();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
