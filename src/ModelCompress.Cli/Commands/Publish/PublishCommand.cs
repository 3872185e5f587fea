using System.CommandLine;
using System.Text.Json.Nodes;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Publishing.GitHub;
using ModelCompress.Core.Publishing;
using ModelCompress.Core;
using ModelCompress.Core.Storage;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary>
/// <c>dotnet compress publish RUN_DIR [--target URL] [--github]</c>: upload a passed run folder to blob storage and report it on
/// the pull request — also the retry after exit 4.
/// </summary>
public static class PublishCommand
{
    public static Command Build(TextWriter output, Func<string, string?> environment)
    {
        var runDir = new Argument<DirectoryInfo>("run-dir") { Description = "The run folder (OUT/NAME) written by 'dotnet compress run'." };
        var targets = new Option<string[]>("--target")
        {
            Description = "Blob URL to publish to (az://ACCOUNT/CONTAINER/PREFIX, https://…, emulator URL); repeatable.",
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Replace an already published run with the same id (never done otherwise).",
        };
        var github = new Option<bool>("--github")
        {
            Description = "Report on GitHub (comment, check run, step summary) using the Actions environment and GITHUB_TOKEN.",
        };
        var repo = new GitHubArguments();
        var command = new Command("publish",
            "Publish a passed run to PREFIX/NAME/RUN_ID/ with metadata, then point PREFIX/NAME/latest.json at it; with --github (or\n" +
            "--github-repo), upsert the pull-request comment and set the check run, also for a failed run.\n" +
            "Exit 0 when published, 3 when the run did not pass its gates (nothing is published), " +
            "4 when publishing failed (the local run is kept).\n" +
            "Examples: dotnet compress publish runs/demo-pruned --target az://myaccount/models/pruned\n" +
            "          GITHUB_TOKEN=… dotnet compress publish runs/demo-pruned --github-repo me/models " +
            "--github-pr 7 --github-sha 0123…")
        {
            runDir, targets, overwrite, github,
        };
        repo.AddTo(command);
        command.SetAction(async (parse, cancellation) =>
        {
            string dir = parse.GetValue(runDir)!.FullName;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"run folder {dir} not found.");
            string[] urls = parse.GetValue(targets) ?? [];
            bool wantGitHub = parse.GetValue(github) || repo.Given(parse);
            var publisher = new RunPublisher(new ConsolePublishLog(output, parse.InvocationConfiguration.Error), environment,
                ConsoleProgress.ForStandardError());
            // In an Azure Repos pull-request build the thread is a report of its own: 'publish RUN_DIR' alone posts it again.
            if (urls.Length == 0 && !wantGitHub && publisher.AzureDevOps is null)
                throw new InvalidInputException("nothing to publish to: give --target URL and/or --github.");
            foreach (string url in urls) new BlobClients(environment).Locate(url);
            var target = wantGitHub
                ? GitHubTarget.Resolve(repo.Options(parse), environment, w => throw new InvalidInputException(w))
                  ?? throw new InvalidInputException("--github: no repository to report to; outside GitHub Actions pass " +
                                                     "--github-repo OWNER/NAME --github-pr N --github-sha SHA.")
                : null;
            if (!RunFolder.Read(dir).Passed)
            {
                await publisher.ReportAsync(dir, target, cancellation);
                output.WriteLine($"FAILED: {dir} did not pass its quality gates; nothing was published.");
                return ExitCodes.GateFailed;
            }
            await publisher.PublishThenReportAsync(dir, urls, parse.GetValue(overwrite), target, cancellation);
            return ExitCodes.Success;
        });
        return command;
    }
}
