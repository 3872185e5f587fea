using System.Globalization;

namespace ModelCompress.Bench;

/// <summary>
/// <c>--name value</c> / <c>--flag</c> options of the score, prune and finetune subcommands. Every option must be read
/// (<see cref="Done"/> rejects unknown ones), so a typo fails instead of silently measuring the default.
/// </summary>
internal sealed class Args
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Args(IReadOnlyList<string> args, params string[] flags)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{name}'");
            if (flags.Contains(name)) { _values[name] = null; continue; }
            _values[name] = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
        }
    }

    public string? Str(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public string Str(string name, string fallback) => Str(name) ?? fallback;

    public string Required(string name) => Str(name) ?? throw new ArgumentException($"{name} is required");

    public int Int(string name, int fallback) => Str(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public long Long(string name, long fallback) => Str(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Str(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    /// <summary>Throws on any option that no accessor asked for.</summary>
    public void Done()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown)}");
    }
}
