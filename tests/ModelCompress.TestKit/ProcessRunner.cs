using System.Diagnostics;

namespace ModelCompress.TestKit;

/// <summary>The result of one child process: exit code, both streams exactly as written, and the time it took.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Out, string Err, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F0} s\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs <c>dotnet</c> commands as child processes with a timeout and a controlled environment.</summary>
public static class ProcessRunner
{
    private static readonly TimeSpan StreamGrace = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <c>dotnet ARGS</c> in <paramref name="workingDirectory"/> with <paramref name="environment"/> added to the
    /// test process's variables (less MSBuild's); throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public static ProcessResult Dotnet(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args) =>
        Run("dotnet", workingDirectory, environment, timeout, args);

    /// <summary>Runs <paramref name="program"/> (e.g. <c>bash</c> for a script) the way <see cref="Dotnet"/> runs dotnet.</summary>
    public static ProcessResult Run(string program,
        string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        // The test host runs inside `dotnet test`: its MSBuild variables would point child builds at the wrong MSBuild.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        // No build servers or reused nodes: they would outlive the command and keep its output pipes open.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        string command = program + " " + string.Join(' ', args);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException(
                $"`{command}` did not finish within {timeout.TotalSeconds:F0} s.\n{Partial(stdout)}\n{Partial(stderr)}");
        }
        // Both streams end when the last process holding them exits; bounded in case a grandchild holds a pipe open.
        if (!Task.WaitAll([stdout, stderr], StreamGrace))
            throw new TimeoutException($"`{command}` exited but its output streams stayed open (a lingering child process?).");
        return new ProcessResult(command, process.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
    }

    private static string Partial(Task<string> stream) => stream.Wait(TimeSpan.FromSeconds(5)) ? stream.Result : "(output still open)";
}
