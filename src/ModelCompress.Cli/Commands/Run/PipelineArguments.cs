using System.CommandLine;
using ModelCompress.Cli.Commands.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;

namespace ModelCompress.Cli.Commands.Run;

/// <summary>The arguments <c>run</c> and <c>plan</c> share: the pipeline file, <c>--set</c> overrides, the runs folder and the
/// persistent cache.</summary>
public sealed class PipelineArguments
{
    public Argument<FileInfo> File { get; } = new("file")
    {
        Description = "The pipeline file.",
        DefaultValueFactory = _ => new FileInfo("pruning.yaml"),
    };
    public Option<string[]> Set { get; } = ConfigCommands.SetOption();
    public Option<DirectoryInfo> Out { get; } = new("--out")
    {
        Description = "Runs folder: the run goes to OUT/NAME (and the stage cache to OUT/.cache when no persistent cache is set).",
        DefaultValueFactory = _ => new DirectoryInfo("runs"),
    };
    public Option<DirectoryInfo> CacheDir { get; } = new("--cache-dir")
    {
        Description = "Persistent cache root (default $MODELCOMPRESS_CACHE): stage outputs in DIR/stages, blob model mirrors in " +
                      "DIR/blobs, the built-in demo in DIR/demo-v3. Put it on a path that outlives the CI workspace, " +
                      "so a re-run in a fresh checkout does no work.",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        command.Options.Add(Set);
        command.Options.Add(Out);
        command.Options.Add(CacheDir);
    }

    /// <summary>The run options these arguments give: the runs folder and the cache root (<c>--cache-dir</c>, else
    /// <c>MODELCOMPRESS_CACHE</c> from <paramref name="environment"/>), and the environment for credentials.</summary>
    public RunOptions Options(ParseResult parse, Func<string, string?> environment, bool resume = false, IProgressSink? progress = null)
    {
        string? cacheDir = parse.GetValue(CacheDir)?.FullName
                           ?? (environment(CacheVariable) is { Length: > 0 } fromEnvironment ? Path.GetFullPath(fromEnvironment) : null);
        return new RunOptions(parse.GetValue(Out)!.FullName, resume, progress) { CacheDir = cacheDir, Environment = environment };
    }

    /// <summary>The environment variable that sets the persistent cache root when <c>--cache-dir</c> is not given.</summary>
    public const string CacheVariable = "MODELCOMPRESS_CACHE";
}
