namespace ModelCompress.Core.Progress;

/// <summary>
/// Where long-running Core work reports progress. Core never writes to the console; the CLI renders these reports
/// (a live line on a terminal, timestamped lines in CI logs).
/// </summary>
public interface IProgressSink
{
    /// <summary>Starts a unit of work of <paramref name="total"/> steps counted in <paramref name="unit"/> (0 when unknown).</summary>
    IProgressTask Start(string name, long total, string unit);

    /// <summary>A one-line message (a stage starting, a file written).</summary>
    void Message(string text);

    /// <summary>
    /// Pipeline stage <paramref name="number"/> of <paramref name="count"/> (1-based) is now running; a terminal shows it in front
    /// of the live line. Sinks that do not show it ignore it.
    /// </summary>
    void Stage(int number, int count) { }
}

/// <summary>One unit of work; disposing it marks it finished.</summary>
public interface IProgressTask : IDisposable
{
    /// <summary>Adds <paramref name="steps"/> done; <paramref name="status"/> is a short live figure such as "loss 2.31".</summary>
    void Advance(long steps, string? status = null);
}

/// <summary>Discards all progress (tests, library use).</summary>
public sealed class NullProgress : IProgressSink, IProgressTask
{
    public static readonly NullProgress Instance = new();
    public IProgressTask Start(string name, long total, string unit) => this;
    public void Message(string text) { }
    public void Advance(long steps, string? status = null) { }
    public void Dispose() { }
}
