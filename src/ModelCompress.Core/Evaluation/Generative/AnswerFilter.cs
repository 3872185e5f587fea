using System.Text.RegularExpressions;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// A named answer extraction (the harness's <c>filter_list</c> entry <c>regex</c> then <c>take_first</c>): all matches of
/// <see cref="Pattern"/> in the response (Python's <c>re.findall</c>), the match at <see cref="GroupSelect"/> (negative counts
/// from the end), for a pattern with several groups its first non-empty group, stripped of surrounding whitespace; without a
/// match, <see cref="Fallback"/>. A null pattern is the harness's <c>none</c> filter: the whole response.
/// </summary>
public sealed record AnswerFilter(string Name, string? Pattern, int GroupSelect = 0, string Fallback = "[invalid]")
{
    /// <summary>The harness's default filter: the response as generated.</summary>
    public static readonly AnswerFilter None = new("none", null);

    public string Apply(string response)
    {
        if (Pattern is null) return response;
        var regex = new Regex(Pattern, RegexOptions.CultureInvariant);
        var matches = regex.Matches(response);
        if (matches.Count == 0) return Fallback;
        int index = GroupSelect < 0 ? matches.Count + GroupSelect : GroupSelect;
        if (index < 0 || index >= matches.Count) return Fallback;
        var match = matches[index];
        string found;
        int groups = regex.GetGroupNumbers().Length - 1;
        if (groups == 0) found = match.Value;
        else if (groups == 1) found = match.Groups[1].Value;
        else
        {
            // findall returns a tuple of the groups; the harness keeps the first non-empty one.
            var nonEmpty = Enumerable.Range(1, groups).Select(g => match.Groups[g].Value).FirstOrDefault(v => v.Length > 0);
            if (nonEmpty is null) return Fallback;
            found = nonEmpty;
        }
        return found.Trim();
    }
}
