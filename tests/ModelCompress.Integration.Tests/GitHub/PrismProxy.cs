using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>
/// Stoplight Prism in proxy mode on a free loopback port: every request is validated against GitHub's REST API
/// description before it is forwarded to the upstream, and every upstream response after. With <c>--errors</c> an
/// invalid request gets Prism's 422 (never forwarded) and an invalid response becomes a 500 with an <c>sl-violations</c>
/// header; an undocumented status only logs a warning. Prism logs at info level so that warnings name their violation;
/// the start-up listing of every operation (~1,200 lines) is kept out of <see cref="Log"/>.
/// </summary>
public sealed partial class PrismProxy : IDisposable
{
    /// <summary>Requests to this path are not in the description, so Prism logs an error line for them: the tests' log marks.</summary>
    private const string MarkPath = "/__modelcompress-log-mark/";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly object gate = new();
    private readonly List<string> startup = [];
    private readonly List<string> log = [];
    private readonly HttpClient client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Process? process;
    private TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int marks;

    public PrismProxy(string installFolder, string upstreamUrl)
    {
        var watch = Stopwatch.StartNew();
        for (int attempt = 1; ; attempt++)
        {
            Port = LoopbackHttpServer.FreePort();
            if (TryStart(installFolder, upstreamUrl)) break;
            Stop();
            string output;
            lock (gate) output = string.Join('\n', startup.Concat(log).TakeLast(40));
            // Another process took the port between probing and binding: probe again.
            if (attempt < 3 && output.Contains("EADDRINUSE", StringComparison.Ordinal)) continue;
            throw new InvalidOperationException($"Prism did not start within {StartTimeout.TotalSeconds:F0} s on port {Port}:\n{output}");
        }
        StartTime = watch.Elapsed;
    }

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>From process start to "Prism is listening" (it loads and compiles the 13 MB description first).</summary>
    public TimeSpan StartTime { get; }

    /// <summary>Prism's output since it started listening (stdout and stderr, one entry a line).</summary>
    public IReadOnlyList<string> Log
    {
        get { lock (gate) return log.ToList(); }
    }

    public static string BinaryPath(string installFolder) => Path.Combine(installFolder, "node_modules", ".bin", "prism");

    public static string SpecPath(string installFolder) =>
        Path.Combine(installFolder, "node_modules", "@octokit", "openapi", "generated", "api.github.com.json");

    /// <summary>
    /// Sends a request Prism logs and waits until its line arrives: every line of earlier requests is then in
    /// <see cref="Log"/> (output is read asynchronously, so a response can arrive before its log line). Returns the
    /// length of the log at that point, to pass as <c>since</c> to <see cref="ViolationsAsync"/>.
    /// </summary>
    public async Task<int> MarkLogAsync()
    {
        string mark = $"{MarkPath}{Interlocked.Increment(ref marks)}";
        using (await client.GetAsync(Url + mark)) { }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            lock (gate)
                if (log.FindIndex(l => l.Contains(mark + " ", StringComparison.Ordinal) && l.Contains('✖')) is int at and >= 0)
                    return log.Count;
            await Task.Delay(20);
        }
        throw new TimeoutException($"Prism never logged the request to {mark}.");
    }

    /// <summary>
    /// The warning (⚠) and error (✖) lines logged after index <paramref name="since"/>, once every earlier request has been
    /// logged; <paramref name="errorsOnly"/> keeps the errors, i.e. the requests and responses Prism refused. The log marks'
    /// own lines are left out.
    /// </summary>
    public async Task<IReadOnlyList<string>> ViolationsAsync(int since = 0, bool errorsOnly = false)
    {
        int end = await MarkLogAsync();
        var found = new List<string>();
        string request = "";
        lock (gate)
            for (int i = since; i < end; i++)
            {
                string line = log[i];
                // A validator line does not say which request it is about: name the last one received (the tests call one at a time).
                if (Received().Match(line) is { Success: true } m) request = m.Groups[1].Value;
                if (!(line.Contains('✖') || (!errorsOnly && line.Contains('⚠'))) || line.Contains(MarkPath, StringComparison.Ordinal)) continue;
                found.Add(line.Contains("[HTTP SERVER]", StringComparison.Ordinal) ? line : $"{line} (request: {request})");
            }
        return found;
    }

    [GeneratedRegex(@"\[HTTP SERVER\] (\S+ \S+) .*Request received")]
    private static partial Regex Received();

    public void Dispose()
    {
        Stop();
        client.Dispose();
    }

    private bool TryStart(string installFolder, string upstreamUrl)
    {
        listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate) { startup.Clear(); log.Clear(); }
        var start = new ProcessStartInfo(BinaryPath(installFolder))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string a in new[]
                 {
                     "proxy", SpecPath(installFolder), upstreamUrl, "--errors", "--host", "127.0.0.1",
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--verboseLevel", "info",
                 })
            start.ArgumentList.Add(a);
        start.Environment["NO_COLOR"] = "1";
        start.Environment["FORCE_COLOR"] = "0";
        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.Exited += (_, _) => listening.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return listening.Task.Wait(StartTimeout) && !process.HasExited;
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (gate)
        {
            if (listening.Task.IsCompleted) { log.Add(line); return; }
            startup.Add(line);
            if (!line.Contains("Prism is listening on", StringComparison.Ordinal)) return;
            log.Add(line);
        }
        listening.TrySetResult();
    }

    private void Stop()
    {
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            // The parameterless wait also drains the output readers (bounded: a grandchild could hold a pipe open).
            if (process.WaitForExit(10_000)) Task.Run(process.WaitForExit).Wait(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException) { /* never started */ }
        process.Dispose();
        process = null;
    }
}
