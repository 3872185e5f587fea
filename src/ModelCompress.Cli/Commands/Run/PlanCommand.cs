using System.CommandLine;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;

namespace ModelCompress.Cli.Commands.Run;

/// <summary><c>dotnet compress plan pruning.yaml</c>: what a run would do, without loading weights.</summary>
public static class PlanCommand
{
    public static Command Build(TextWriter output)
    {
        var pipeline = new PipelineArguments();
        var (file, set, outDir) = (pipeline.File, pipeline.Set, pipeline.Out);
        var command = new Command("plan", "Show the stages in order, which are cached, layers, parameters and weight memory before and after pruning, " +
                                          "and a rough compute estimate — without loading weights.");
        pipeline.AddTo(command);
        command.SetAction(parse =>
        {
            var config = PipelineConfigLoader.Load(parse.GetValue(file)!.FullName, parse.GetValue(set));
            var rows = PipelinePlanner.Plan(config, new RunOptions(parse.GetValue(outDir)!.FullName));
            output.WriteLine($"{"stage",-22} {"type",-9} {"cached",-6} {"layers",6} {"parameters",14} {"weights",10}  notes");
            foreach (var r in rows)
                output.WriteLine($"{r.Id,-22} {r.Type,-9} {(r.Cached ? "yes" : "no"),-6} {r.Layers,6} {r.Parameters,14:N0} {r.MemoryBytes / 1048576.0,7:F1} MB  {r.Note}");
            return ExitCodes.Success;
        });
        return command;
    }
}
