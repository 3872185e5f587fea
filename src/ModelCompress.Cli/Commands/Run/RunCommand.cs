using System.CommandLine;
using ModelCompress.Cli.Commands.Publish;
using ModelCompress.Core;
using ModelCompress.Core.Config;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Publishing;
using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Core.Storage;

namespace ModelCompress.Cli.Commands.Run;

/// <summary><c>dotnet compress run pruning.yaml</c>: the whole pipeline, gated.</summary>
public static class RunCommand
{
    public static Command Build(TextWriter output, Func<string, string?> environment)
    {
        var pipeline = new PipelineArguments();
        var (file, set, outDir) = (pipeline.File, pipeline.Set, pipeline.Out);
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue a crashed or cancelled run: keep the interrupted stage's checkpoint " +
                          "(finished stages are always reused).",
        };
        var json = new Option<bool>("--json") { Description = "Print the final results object (results.json) on stdout." };
        var github = new GitHubArguments();
        var command = new Command("run",
            "Run a pipeline: stages in order (each cached by its inputs and options), baseline and candidate evaluation, quality gates.\n" +
            "Exit 0 when every gate passes (and publish.targets, if any, were published), " +
            "3 when a gate fails (the report says which and by how much;\n" +
            "nothing is published), 4 when publishing failed (the run folder is kept), 2 for invalid input, 130 when cancelled.\n" +
            "In GitHub Actions on a pull request (or with --github-repo/--github-pr/--github-sha and GITHUB_TOKEN) " +
            "the verdict is reported as one\n" +
            "pull-request comment (edited on re-runs), a check run and the step summary; " +
            "in Azure Pipelines as logging commands, a build summary and one pull-request thread (edited on re-runs).\n" +
            "Example: dotnet compress run pruning.yaml --set compute.device=cpu --out runs --cache-dir /var/cache/modelcompress")
        {
            resume, json,
        };
        pipeline.AddTo(command);
        github.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            string path = parse.GetValue(file)!.FullName;
            var overrides = parse.GetValue(set)!;
            var (config, effective) = PipelineConfigLoader.LoadWithEffective(path, overrides);
            // A malformed publish target is invalid input now, not after hours of training.
            foreach (string target in config.Publish.Targets) new BlobClients(environment).Locate(target);
            var log = parse.GetValue(json) ? TextWriter.Null : output;
            var progress = ConsoleProgress.ForStandardError();
            var publisher = new RunPublisher(new ConsolePublishLog(log, parse.InvocationConfiguration.Error), environment, progress);
            var review = config.Publish.Github || github.Given(parse)
                ? GitHubTarget.Resolve(github.Options(parse), environment, publisher.Warn)
                : null;
            var options = pipeline.Options(parse, environment, parse.GetValue(resume), progress);
            var outcome = PipelineRunner.Run(config, effective, options, cancellation);
            string runDir = Path.Combine(parse.GetValue(outDir)!.FullName, config.Name);
            if (parse.GetValue(json)) output.WriteLine(RunFolder.Results(outcome).ToJsonString(Core.JsonDefaults.Indented));
            else
                output.WriteLine($"{(outcome.Verdict == Verdict.Passed ? "PASSED" : "FAILED")}: " +
                                 $"report at {Path.Combine(runDir, "report.md")}");
            if (outcome.Verdict != Verdict.Passed)
            {
                // The gate failure is the verdict (exit 3); a review that cannot be posted is only a warning here.
                try { await publisher.ReportAsync(runDir, review, cancellation); }
                catch (ModelCompressException e) when (e is GitHubException or AzureDevOpsException) { publisher.Warn(e.Message); }
                return ExitCodes.GateFailed;
            }
            // Only a passed run is published; a failure throws PublishException (exit 4) with the run folder kept,
            // after the review is told.
            await publisher.PublishThenReportAsync(runDir, config.Publish.Targets, overwrite: false, review, cancellation);
            return ExitCodes.Success;
        });
        return command;
    }
}
