using System.Diagnostics;
using ModelCompress.Core.Progress;

namespace ModelCompress.Cli;

/// <summary>
/// Renders progress to stderr: on a terminal, ONE live line rewritten in place (fitted to the terminal's width, so it never wraps,
/// and cleared with <c>ESC[2K</c> before each rewrite), with the pipeline stage, elapsed time and ETA; in CI logs (redirected
/// stderr or <c>CI</c> set), timestamped lines at most every <see cref="LogInterval"/> plus start and end lines, so short tasks
/// are never dropped.
/// </summary>
public sealed class ConsoleProgress(TextWriter writer, bool interactive, Func<int>? columns = null) : IProgressSink
{
    private const string ClearLine = "\r\u001b[2K";
    private readonly bool interactive = interactive;
    private readonly Func<int> columns = columns ?? TerminalColumns;
    private (int Number, int Count)? stage;

    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    public static ConsoleProgress ForStandardError() =>
        new(Console.Error, !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>The terminal's width: the console's window, else <c>COLUMNS</c>, else 80.</summary>
    public static int TerminalColumns()
    {
        try
        {
            if (Console.WindowWidth > 0) return Console.WindowWidth;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            // No console to ask (stdout redirected on some platforms): fall back below.
        }
        return int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int cols) && cols > 0 ? cols : 80;
    }

    public IProgressTask Start(string name, long total, string unit)
    {
        Write($"{name}: started" + (total > 0 ? $" ({total} {unit})" : ""), live: false);
        return new Task(this, name, total, unit);
    }

    public void Message(string text) => Write(text, live: false);

    public void Stage(int number, int count) => stage = (number, count);

    // A live line is fitted and left open (the next write clears it); any other line is written in full and ends the row.
    private void Write(string line, bool live)
    {
        lock (writer)
        {
            if (interactive) writer.Write(ClearLine + (live ? ProgressText.Fit(line, columns()) : line + "\n"));
            else if (!live) writer.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
        }
    }

    private sealed class Task(ConsoleProgress owner, string name, long total, string unit) : IProgressTask
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private TimeSpan lastLog;
        private long done;
        private string? status;

        public void Advance(long steps, string? status = null)
        {
            done += steps;
            this.status = status ?? this.status;
            bool due = clock.Elapsed - lastLog >= (owner.interactive ? TimeSpan.FromMilliseconds(200) : LogInterval);
            if (!due) return;
            lastLog = clock.Elapsed;
            owner.Write(Line(), live: owner.interactive);
        }

        private string Line() => ProgressText.Line(name, done, total, unit, clock.Elapsed, status, owner.stage);

        // On a terminal the finished line is fitted too ("done in" first, so it survives the cut); a CI log keeps all of it.
        public void Dispose()
        {
            string seconds = clock.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
            if (!owner.interactive) owner.Write($"{Line()} — done in {seconds} s", live: false);
            else owner.Write(ProgressText.Fit(ProgressText.Finished(name, done, total, unit, clock.Elapsed, status, owner.stage),
                owner.columns()), live: false);
        }
    }
}
