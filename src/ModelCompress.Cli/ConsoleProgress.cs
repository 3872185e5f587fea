using System.Diagnostics;
using ModelCompress.Core.Progress;

namespace ModelCompress.Cli;

/// <summary>
/// Renders progress to stderr: a line rewritten in place on a terminal, or timestamped lines at most every
/// <see cref="LogInterval"/> in CI logs (plus start and end lines, so short tasks are never dropped).
/// </summary>
public sealed class ConsoleProgress(TextWriter writer, bool interactive) : IProgressSink
{
    private readonly bool interactive = interactive;

    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    public static ConsoleProgress ForStandardError() =>
        new(Console.Error, !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null);

    public IProgressTask Start(string name, long total, string unit)
    {
        Write($"{name}: started" + (total > 0 ? $" ({total} {unit})" : ""), newline: true);
        return new Task(this, name, total, unit);
    }

    public void Message(string text) => Write(text, newline: true);

    private void Write(string line, bool newline)
    {
        lock (writer)
        {
            if (interactive) writer.Write("\r\u001b[2K" + line + (newline ? "\n" : ""));
            else if (newline) writer.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
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
            owner.Write(Line(), newline: !owner.interactive);
        }

        private string Line()
        {
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double rate = done / seconds;
            string count = total > 0 ? $"{done}/{total} {unit} ({100.0 * done / total:F0}%)" : $"{done} {unit}";
            string eta = total > 0 && rate > 0 && done < total ? $", ETA {TimeSpan.FromSeconds((total - done) / rate):hh\\:mm\\:ss}" : "";
            return $"{name}: {count}, {rate:F1} {unit}/s{eta}" + (status is null ? "" : $", {status}");
        }

        public void Dispose() => owner.Write($"{Line()} — done in {clock.Elapsed.TotalSeconds:F1} s", newline: true);
    }
}
