namespace ModelCompress.Cli.Tests;

/// <summary>Runs the tool in-process or as the built dotnet-compress.dll; paths and data come from the test kit.</summary>
public static class CliTestData
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(5);

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
    public static (int Code, string Out, string Err) RunProcess(params string[] args) => RunProcess(new Dictionary<string, string>(), args);

    /// <summary>Runs the built tool as a separate process with <paramref name="environment"/> added to the test process's.</summary>
    public static (int Code, string Out, string Err) RunProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var result = ProcessRunner.Dotnet(Environment.CurrentDirectory, environment, ProcessTimeout,
            [Path.Combine(AppContext.BaseDirectory, "dotnet-compress.dll"), .. args]);
        return (result.ExitCode, result.Out, result.Err);
    }
}
