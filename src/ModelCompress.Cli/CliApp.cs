using System.CommandLine;
using ModelCompress.Cli.Commands.Config;
using ModelCompress.Cli.Commands.Convert;
using ModelCompress.Cli.Commands.Doctor;
using ModelCompress.Cli.Commands.Finetune;
using ModelCompress.Cli.Commands.Eval;
using ModelCompress.Cli.Commands.Generate;
using ModelCompress.Cli.Commands.Logits;
using ModelCompress.Cli.Commands.Prune;
using ModelCompress.Cli.Commands.Publish;
using ModelCompress.Cli.Commands.Repair;
using ModelCompress.Cli.Commands.Run;
using ModelCompress.Cli.Commands.Score;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Data;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Model;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Core.Publishing;
using ModelCompress.Core.Storage;
using ModelCompress.Core.Tokenization;
using ModelCompress.Core;

namespace ModelCompress.Cli;

/// <summary>Builds the command tree, parses arguments and maps failures to exit codes.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(TextWriter output, Func<string, string?>? environment = null) =>
        Root(output, environment ?? Environment.GetEnvironmentVariable);

    private static RootCommand Root(TextWriter output, Func<string, string?> environment) => new(
        "dotnet compress: prune decoder layers of a Llama-family model, heal it by fine-tuning, evaluate it against the " +
        "unpruned baseline and publish it only when it passes its quality gates (Lu et al., 2024, \"Reassessing Layer Pruning in LLMs\").")
    {
        ConvertCommand.Build(output),
        GenerateCommand.Build(output),
        LogitsCommand.Build(output),
        ScoreCommand.Build(output),
        PruneCommand.Build(output),
        RepairCommand.Build(output),
        FinetuneCommand.Build(output),
        ConfigCommands.Validate(output),
        ConfigCommands.Schema(output),
        ConfigCommands.Init(output),
        RunCommand.Build(output, environment),
        PlanCommand.Build(output, environment),
        EvalCommand.Build(output),
        PublishCommand.Build(output, environment),
        DoctorCommand.Build(output),
        CommonOptions.LibTorch(),
    };

    /// <summary>The tool's entry point inside its load context (<see cref="ToolLoadContext"/>).</summary>
    public static int RunConsole(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs one command line; <paramref name="environment"/> (GitHub, Azure Pipelines, storage credentials)
    /// defaults to the process environment.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        bool azurePipelines = AzurePipelines.IsActive(env);
        var root = Root(output, env);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (string message in ParseErrors.Describe(root, args, parsed.Errors.Select(e => e.Message).ToList()))
            {
                error.WriteLine($"error: {message}");
                if (azurePipelines) error.WriteLine(AzurePipelines.LogIssue("error", message));
            }
            error.WriteLine("Run 'dotnet compress --help' (or add --help to a command) for usage.");
            return ExitCodes.InvalidInput;
        }
        try
        {
            // Before any command touches TorchSharp: --libtorch, then MODELCOMPRESS_LIBTORCH (compute.libtorch comes last).
            if (parsed.GetValue<string>(CommonOptions.LibTorchName) is { Length: > 0 } libtorch)
                LibTorchSelection.Use(libtorch, CommonOptions.LibTorchName);
            else if (env(LibTorchSelection.EnvironmentVariable) is { Length: > 0 } fromEnv)
                LibTorchSelection.Use(fromEnv, LibTorchSelection.EnvironmentVariable);
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (ExitCodeOf(e) is int code and not ExitCodes.UnexpectedError)
        {
            error.WriteLine($"error: {e.Message}");
            if (azurePipelines) error.WriteLine(AzurePipelines.LogIssue("error", e.Message));
            return code;
        }
        catch (Exception e)
        {
            error.WriteLine($"unexpected error: {e}");
            if (azurePipelines) error.WriteLine(AzurePipelines.LogIssue("error", $"unexpected error: {e.Message}"));
            return ExitCodes.UnexpectedError;
        }
    }

    /// <summary>
    /// The one mapping from failures to exit codes: a tool failure by its <see cref="FailureKind"/> (invalid input 2, a failed
    /// publish 4), a missing file or folder 2, cancellation 130, anything else 1.
    /// </summary>
    public static int ExitCodeOf(Exception e) => e switch
    {
        ModelCompressException { Kind: FailureKind.PublishFailed } => ExitCodes.PublishFailed,
        ModelCompressException { Kind: FailureKind.InvalidInput } or FileNotFoundException or DirectoryNotFoundException =>
            ExitCodes.InvalidInput,
        OperationCanceledException => ExitCodes.Cancelled,
        _ => ExitCodes.UnexpectedError,
    };
}
