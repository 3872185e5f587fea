using System.Diagnostics;
using System.Text;

namespace ModelCompress.Integration.Tests;

/// <summary>The result of one child process: exit code and both streams.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string Out, string Err, TimeSpan Elapsed)
{
    public override string ToString() => $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:F0} s\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>Runs <c>dotnet</c> commands as child processes with a timeout and a controlled environment.</summary>
public static class ProcessRunner
{
    public static ProcessResult Dotnet(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
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

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string command = "dotnet " + string.Join(' ', args);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            throw new TimeoutException($"`{command}` did not finish within {timeout.TotalSeconds:F0} s.\n{stdout}\n{stderr}");
        }
        // Only the parameterless WaitForExit waits for the asynchronous readers to reach the end of both streams
        // (the timed overload may return with output still buffered); bounded in case a grandchild holds a pipe open.
        if (!Task.Run(() => process.WaitForExit()).Wait(TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"`{command}` exited but its output streams stayed open (a lingering child process?).");
        lock (stdout) lock (stderr)
            return new ProcessResult(command, process.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed);
    }
}
