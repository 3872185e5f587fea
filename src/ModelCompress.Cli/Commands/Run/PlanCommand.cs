using System.CommandLine;
using ModelCompress.Cli.Commands.Publish;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Publishing;
using ModelCompress.Core.Publishing.AzureDevOps;
using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Cli.Commands.Run;

/// <summary><c>dotnet compress plan pruning.yaml</c>: what a run would do, without loading weights.</summary>
public static class PlanCommand
{
    public static Command Build(TextWriter output, Func<string, string?> environment)
    {
        var pipeline = new PipelineArguments();
        var (file, set) = (pipeline.File, pipeline.Set);
        var command = new Command("plan",
            "Show the stages in order, which are cached, layers, parameters and weight memory before and after pruning, " +
            "then each stage's peak memory and time on the compute device (planned, never opened: a CUDA plan runs on any machine) " +
            "and whether it fits — without loading weights; then the gates, where a passed run is published,\n" +
            "and where the verdict will be reported (pull request, Azure Pipelines), so a CI job can check that before hours of work.");
        var github = new GitHubArguments();
        var json = new Option<bool>("--json") { Description = "Print the planned steps (with their cache keys) as JSON instead." };
        command.Options.Add(json);
        pipeline.AddTo(command);
        github.AddTo(command);
        command.SetAction(parse =>
        {
            var config = PipelineConfigLoader.LoadForPlan(parse.GetValue(file)!.FullName, parse.GetValue(set));
            var options = pipeline.Options(parse, environment);
            var plan = PipelinePlanner.Full(config, options);
            var rows = plan.Steps;
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { config.Name, Cache = options.StageCacheRoot, Steps = rows,
                    plan.Target, plan.Verdict, plan.Assumptions }, Core.JsonDefaults.Indented));
                return ExitCodes.Success;
            }
            output.WriteLine($"{"stage",-22} {"type",-9} {"cached",-6} {"layers",6} {"parameters",14} {"weights",10}  notes");
            foreach (var r in rows)
                output.WriteLine($"{r.Id,-22} {r.Type,-9} {(r.Cached ? "yes" : "no"),-6} {r.Layers,6} {r.Parameters,14:N0} " +
                                 $"{r.MemoryBytes / 1048576.0,7:F1} MB  {r.Note}");
            output.WriteLine();
            PlanMemoryTable.Write(output, plan);
            output.WriteLine();
            output.WriteLine($"gates:    {config.Gates.Count} on {string.Join(", ", config.Gates.Select(g => g.Metric).Distinct())}");
            string published = config.Publish.Targets.Count == 0
                ? "none (a passed run stays in the run folder)"
                : string.Join(", ", config.Publish.Targets.Select(t => new Core.Storage.BlobClients(environment).Locate(t).ToString()));
            output.WriteLine($"publish:  {published}");
            var warnings = new List<string>();
            var target = config.Publish.Github || github.Given(parse)
                ? GitHubTarget.Resolve(github.Options(parse), environment, warnings.Add)
                : null;
            string review = target is null
                ? warnings.Count > 0
                    ? $"none: {warnings[0]}"
                    : config.Publish.Github
                        ? "none (not a GitHub Actions run; pass --github-repo/--github-pr/--github-sha to report)"
                        : "none (publish.github: false)"
                : $"GitHub {target}: {Channels(target)}";
            output.WriteLine($"review:   {review}");
            if (AzurePipelines.IsActive(environment))
                output.WriteLine("          Azure Pipelines: failed gates and errors as logged issues, report.md as the build summary");
            var azureWarnings = new List<string>();
            if (AzureDevOpsTarget.Resolve(environment, azureWarnings.Add) is { } azure)
                output.WriteLine($"          Azure Repos: one thread on {azure} (edited on re-runs)");
            foreach (string warning in azureWarnings) output.WriteLine($"          Azure Repos: none: {warning}");
            output.WriteLine();
            output.WriteLine($"cache:    {options.StageCacheRoot} ({rows.Count(r => r.Cached)} of {rows.Count} steps cached)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Channels(GitHubTarget target) => string.Join(", ", new[]
    {
        target.PullRequest is null ? null : "comment",
        target.HeadSha is null ? null : "check run",
        target.StepSummaryPath is null ? null : "step summary",
    }.OfType<string>());
}
