using System.Diagnostics;

namespace ModelCompress.Cli.Tests;

/// <summary>Shared data location (<c>MODELCOMPRESS_DATA</c>, else ../shared/data beside the repo) and tool runners.</summary>
public static class CliTestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Data(params string[] parts)
    {
        string root = Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") is { Length: > 0 } env
            ? env : Path.Combine(RepoRoot, "..", "shared", "data");
        string path = Path.GetFullPath(Path.Combine([root, .. parts]));
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Test data '{path}' is missing. Set MODELCOMPRESS_DATA to the shared data folder.");
        return path;
    }

    /// <summary>Runs the tool in-process and captures its output.</summary>
    public static (int Code, string Out, string Err) RunInProcess(params string[] args) => RunInProcess(null, args);

    /// <summary>Runs the tool in-process with <paramref name="environment"/> instead of the process's variables.</summary>
    public static (int Code, string Out, string Err) RunInProcess(Func<string, string?>? environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error, environment);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the built tool (dotnet-compress.dll beside the tests) as a separate process.</summary>
    public static (int Code, string Out, string Err) RunProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dotnet-compress.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelCompressTool.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("ModelCompressTool.sln not found above the test assembly.");
    }
}
