using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelCompress.Core.Planning;

/// <summary>Memory sizes as written in pruning.yaml and MODELCOMPRESS_MEMORY_LIMIT: 24GiB, 512MiB, 80GB, 1.5TiB, 4096B.</summary>
public static partial class MemorySize
{
    /// <summary>The environment variable that overrides <c>compute.memory_limit</c>.</summary>
    public const string Variable = "MODELCOMPRESS_MEMORY_LIMIT";

    /// <summary>The accepted spelling: a number, an optional space, a unit (B, KB/KiB, MB/MiB, GB/GiB, TB/TiB).</summary>
    public const string Pattern = @"^[0-9]+(\.[0-9]+)?\s?([KMGT]i?B|B)$";

    /// <summary>Bytes of <paramref name="text"/>; throws <see cref="InvalidInputException"/> naming <paramref name="what"/>.</summary>
    public static long Parse(string text, string what)
    {
        var m = Syntax().Match(text.Trim());
        if (!m.Success)
            throw new InvalidInputException($"{what}: '{text}' is not a memory size; write it as 24GiB, 512MiB or 80GB.");
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        string unit = m.Groups[2].Value;
        int power = unit[0] switch { 'K' => 1, 'M' => 2, 'G' => 3, 'T' => 4, _ => 0 };
        double scale = Math.Pow(unit.Contains('i') ? 1024 : 1000, power);
        return (long)(value * scale);
    }

    /// <summary>
    /// The memory limit in force: <see cref="Variable"/> from <paramref name="environment"/>, else <paramref name="configured"/>
    /// (compute.memory_limit); null when neither is set. Also names where it came from.
    /// </summary>
    public static (long Bytes, string Source)? Limit(string? configured, Func<string, string?>? environment = null)
    {
        string? env = (environment ?? Environment.GetEnvironmentVariable)(Variable);
        if (env is { Length: > 0 }) return (Parse(env, Variable), Variable);
        return configured is null ? null : (Parse(configured, "compute.memory_limit"), "compute.memory_limit");
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s?([KMGT]i?B|B)$")]
    private static partial Regex Syntax();
}
