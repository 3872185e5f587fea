using System.Globalization;

namespace ModelCompress.Core.Progress;

/// <summary>
/// The text of progress reports, as pure functions: durations (<c>00:04:10</c>, and <c>1d 03:12:00</c> past a day) and a live
/// line fitted to a terminal's width, so rewriting it in place never wraps onto a second row that a carriage return cannot
/// reach.
/// </summary>
public static class ProgressText
{
    /// <summary><c>hh:mm:ss</c>, with whole days in front past 24 hours (<c>1d 03:12:00</c>); negative spans count as zero.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        // Whole seconds: a live ETA of 00:00:09.7 reads 00:00:09.
        var whole = TimeSpan.FromSeconds(Math.Floor(span.TotalSeconds));
        string clock = whole.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
        return whole.Days > 0 ? $"{whole.Days.ToString(CultureInfo.InvariantCulture)}d {clock}" : clock;
    }

    /// <summary>
    /// <paramref name="line"/> cut to fit a terminal <paramref name="columns"/> wide: at most <c>columns - 1</c> characters (a
    /// line filling the last column makes some terminals wrap), cut ones ending in an ellipsis; control characters (a newline
    /// in a status) become spaces. A width under 2 leaves the line as it is (no terminal to fit).
    /// </summary>
    public static string Fit(string line, int columns)
    {
        string flat = string.Create(line.Length, line, (span, text) =>
        {
            for (int i = 0; i < text.Length; i++) span[i] = char.IsControl(text[i]) ? ' ' : text[i];
        });
        if (columns < 2) return flat;
        int room = columns - 1;
        if (flat.Length <= room) return flat;
        return room == 1 ? "…" : flat[..(room - 1)].TrimEnd() + "…";
    }

    /// <summary>
    /// The live line of a task: <c>[stage 3 of 6] NAME: 12/100 steps (12%), ETA 00:00:28, 00:00:04 elapsed, 3.1 steps/s, STATUS</c>
    /// (the stage prefix only inside a pipeline, counts without a total when it is unknown).
    /// </summary>
    public static string Line(string name, long done, long total, string unit, TimeSpan elapsed, string? status,
        (int Number, int Count)? stage = null)
    {
        string eta = total > 0 && done > 0 && done < total
            ? $"ETA {Duration(TimeSpan.FromSeconds((total - done) / Rate(done, elapsed)))}, "
            : "";
        // Most useful first, so an 80-column terminal cuts the rate and status, not the ETA.
        return $"{Prefix(stage)}{name}: {Count(done, total, unit)}, {eta}{Duration(elapsed)} elapsed, {Rate(done, unit, elapsed)}" +
               Status(status);
    }

    /// <summary>
    /// A finished task on a terminal, its time first so that fitting keeps it:
    /// <c>[stage 3 of 6] NAME: done in 24.3 s — 96/96 steps (100%), 3.9 steps/s, STATUS</c>.
    /// </summary>
    public static string Finished(string name, long done, long total, string unit, TimeSpan elapsed, string? status,
        (int Number, int Count)? stage = null) =>
        $"{Prefix(stage)}{name}: done in {elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s — " +
        $"{Count(done, total, unit)}, {Rate(done, unit, elapsed)}" + Status(status);

    private static double Rate(long done, TimeSpan elapsed) => done / Math.Max(elapsed.TotalSeconds, 1e-9);

    private static string Prefix((int Number, int Count)? stage) => stage is { } s
        ? $"[stage {s.Number.ToString(CultureInfo.InvariantCulture)} of {s.Count.ToString(CultureInfo.InvariantCulture)}] "
        : "";

    private static string Count(long done, long total, string unit)
    {
        var c = CultureInfo.InvariantCulture;
        return total > 0
            ? $"{done.ToString(c)}/{total.ToString(c)} {unit} ({(100.0 * done / total).ToString("F0", c)}%)"
            : $"{done.ToString(c)} {unit}";
    }

    private static string Rate(long done, string unit, TimeSpan elapsed) =>
        $"{Rate(done, elapsed).ToString("F1", CultureInfo.InvariantCulture)} {unit}/s";

    private static string Status(string? status) => status is null ? "" : $", {status}";
}
