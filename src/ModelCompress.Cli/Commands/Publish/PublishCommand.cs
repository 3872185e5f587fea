using System.CommandLine;
using System.Text.Json.Nodes;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Storage;

namespace ModelCompress.Cli.Commands.Publish;

/// <summary><c>dotnet compress publish RUN_DIR --target URL</c>: upload a passed run folder to blob storage (also the retry after exit 4).</summary>
public static class PublishCommand
{
    public static Command Build(TextWriter output)
    {
        var runDir = new Argument<DirectoryInfo>("run-dir") { Description = "The run folder (OUT/NAME) written by 'dotnet compress run'." };
        var targets = new Option<string[]>("--target") { Description = "Blob URL to publish to (az://ACCOUNT/CONTAINER/PREFIX, https://…, emulator URL); repeatable.", Required = true, AllowMultipleArgumentsPerToken = false };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an already published run with the same id (never done otherwise)." };
        var command = new Command("publish",
            "Publish a passed run to PREFIX/NAME/RUN_ID/ with metadata, then point PREFIX/NAME/latest.json at it.\n" +
            "Exit 0 when published, 3 when the run did not pass its gates (nothing is published), 4 when publishing failed (the local run is kept).\n" +
            "Example: dotnet compress publish runs/demo-pruned --target az://myaccount/models/pruned")
        {
            runDir, targets, overwrite,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            string dir = parse.GetValue(runDir)!.FullName;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"run folder {dir} not found.");
            if (!Passed(dir))
            {
                output.WriteLine($"FAILED: {dir} did not pass its quality gates; nothing was published.");
                return ExitCodes.GateFailed;
            }
            await PublishAll(dir, parse.GetValue(targets)!, parse.GetValue(overwrite), output, ConsoleProgress.ForStandardError(), cancellation);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Publishes <paramref name="dir"/> to every target in turn; the first failure throws <see cref="PublishException"/>.</summary>
    public static async Task PublishAll(string dir, IEnumerable<string> targets, bool overwrite, TextWriter output, IProgressSink progress,
        CancellationToken cancellation)
    {
        var publisher = new BlobPublisher();
        foreach (string target in targets)
        {
            var location = BlobLocation.Parse(target);
            var result = await publisher.PublishAsync(dir, location, overwrite, progress, cancellation);
            output.WriteLine($"published: {result.Run}/ ({result.Files} files){(result.LatestUpdated ? ", latest.json updated" : "")}");
        }
    }

    private static bool Passed(string dir)
    {
        string results = Path.Combine(dir, "results.json");
        if (!File.Exists(results)) throw new FileNotFoundException($"{dir} is not a run folder: results.json is missing.", results);
        return JsonNode.Parse(File.ReadAllText(results))?["verdict"]?.GetValue<string>() == "passed";
    }
}
