using System.CommandLine;
using ModelCompress.Core;
using ModelCompress.Core.Config;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pipeline;

namespace ModelCompress.Cli.Commands.Config;

/// <summary><c>validate</c>, <c>schema</c> and <c>init</c>: working with pruning.yaml without running it.</summary>
public static class ConfigCommands
{
    public static Command Validate(TextWriter output)
    {
        var file = new Argument<FileInfo>("file") { Description = "The pipeline file (pruning.yaml)." };
        var set = SetOption();
        var command = new Command("validate",
            "Check a pipeline file and report every problem at once, each with line:column and a hint (exit 2).") { file, set };
        command.SetAction(parse =>
        {
            var config = PipelineConfigLoader.Load(parse.GetValue(file)!.FullName, parse.GetValue(set));
            output.WriteLine($"{parse.GetValue(file)!.Name}: valid — {config.Stages.Count} stages " +
                             $"({string.Join(" → ", config.Stages.Select(s => s.Id))}), {config.Gates.Count} gates.");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Schema(TextWriter output)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the field reference as Markdown tables instead." };
        var command = new Command("schema",
            "Print the JSON Schema of pruning.yaml (for editor completion, e.g. yaml-language-server).") { markdown };
        command.SetAction(parse =>
        {
            output.Write(parse.GetValue(markdown)
                ? PipelineConfigLoader.ReferenceMarkdown()
                : PipelineConfigLoader.JsonSchema().ToJsonString(Core.JsonDefaults.Indented) + "\n");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Init(TextWriter output)
    {
        var path = new Argument<FileInfo>("file")
        {
            Description = "Where to write the starter file.",
            DefaultValueFactory = _ => new FileInfo("pruning.yaml"),
        };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("init", "Write a commented starter pruning.yaml with the paper's recipe.") { path, force };
        command.SetAction(parse =>
        {
            var file = parse.GetValue(path)!;
            if (file.Exists && !parse.GetValue(force))
                throw new InvalidInputException($"{file.FullName} exists; pass --force to overwrite it.");
            File.WriteAllText(file.FullName, StarterConfig.Text + "\n");
            output.WriteLine($"wrote {file.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>--set key.path=value</c>, repeatable; type-checked like the file.</summary>
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override a field: key.path=value (stages by id: stages.heal.epochs=1). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };
}
