using System.CommandLine;
using ModelCompress.Cli.Commands.Config;

namespace ModelCompress.Cli.Commands.Run;

/// <summary>The arguments <c>run</c> and <c>plan</c> share: the pipeline file, <c>--set</c> overrides and the runs folder.</summary>
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
        Description = "Runs folder: the run goes to OUT/NAME, the stage cache to OUT/.cache.",
        DefaultValueFactory = _ => new DirectoryInfo("runs"),
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(File);
        command.Options.Add(Set);
        command.Options.Add(Out);
    }
}
