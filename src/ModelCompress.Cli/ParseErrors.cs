using System.CommandLine;
using System.Text.RegularExpressions;
using ModelCompress.Core;

namespace ModelCompress.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into messages for people: a misspelt verb gets one line with a suggestion
/// instead of three stacked errors, and a value of the wrong type names the type in words, not as a CLR type name.
/// </summary>
public static partial class ParseErrors
{
    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$")]
    private static partial Regex BadValue();

    public static IReadOnlyList<string> Describe(RootCommand root, string[] args, IReadOnlyList<string> errors)
    {
        var verbs = root.Subcommands.Select(c => c.Name).ToList();
        if (args.Length > 0 && !args[0].StartsWith('-') && !verbs.Contains(args[0]))
        {
            string? near = Suggestions.Nearest(args[0], verbs);
            return [$"unknown verb '{args[0]}'." + (near is null ? "" : $" Did you mean '{near}'?") +
                    $" Verbs: {string.Join(", ", verbs)}."];
        }
        return errors.Select(Rewrite).Distinct().ToList();
    }

    private static string Rewrite(string message) => BadValue().Match(message) is { Success: true } m
        ? $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {TypeInWords(m.Groups["type"].Value)}."
        : message;

    private static string TypeInWords(string clrType) => clrType switch
    {
        _ when clrType.Contains("Int32") || clrType.Contains("Int64") => "a whole number",
        _ when clrType.Contains("Double") || clrType.Contains("Single") => "a number",
        _ when clrType.Contains("Boolean") => "true or false",
        _ => $"a valid value ({clrType})",
    };
}
