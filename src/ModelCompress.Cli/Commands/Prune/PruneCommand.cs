using ModelCompress.Core;
using ModelCompress.Core.Checkpoints;
using System.CommandLine;
using ModelCompress.Cli.Commands.Score;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Cli.Commands.Prune;

/// <summary><c>dotnet compress prune</c>: remove decoder layers and write a renumbered Hugging Face folder.</summary>
public static class PruneCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder.", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder; replaced if it exists.", Required = true };
        var remove = new Option<string?>("--remove")
        {
            Description = "How many layers to remove: a count (8) or a percentage of the layers (25%).",
        };
        var layers = new Option<string?>("--layers") { Description = "Exactly which layers to remove, 0-based: 24-31,5." };
        var scoresFile = new Option<FileInfo?>("--scores")
        {
            Description = "Remove the first --remove layers of this scores.json's removal order.",
        };
        var scoring = new ScoringOptions();
        var command = new Command("prune",
            "Remove decoder layers: by a metric (--metric M --remove 25%), an explicit list (--layers 24-31) or a scores file " +
            "(--scores scores.json --remove 8). Kept layers are renumbered 0..N-1; tensors stream from input to output.\n" +
            "Example: dotnet compress prune --model models/llama --out models/llama-pruned --metric reverse-order --remove 25%");
        foreach (var option in scoring.All.Append(model).Append(outDir).Append(remove).Append(layers).Append(scoresFile))
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string input = parse.GetValue(model)!.FullName;
            var config = TensorInventory.Validate(input);
            var (removed, method, scores) = Choose(parse, input, config, scoring, remove, layers, scoresFile);
            var report = CheckpointPruner.Prune(input, parse.GetValue(outDir)!.FullName, removed, method, scores?.Layers,
                ConsoleProgress.ForStandardError());
            output.WriteLine($"removed layers {string.Join(", ", report.RemovedLayers)} ({method}): " +
                             $"{report.LayersBefore} -> {report.LayersAfter} layers, " +
                             $"{report.ParametersBefore:N0} -> {report.ParametersAfter:N0} parameters");
            output.WriteLine($"wrote {parse.GetValue(outDir)!.FullName}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static LayerChoice Choose(ParseResult parse, string input, LlamaConfig config, ScoringOptions scoring, Option<string?> remove,
                                      Option<string?> layers, Option<FileInfo?> scoresFile)
    {
        string? metric = parse.GetValue(scoring.Metric), count = parse.GetValue(remove), list = parse.GetValue(layers);
        var file = parse.GetValue(scoresFile);
        int ways = (metric is null ? 0 : 1) + (list is null ? 0 : 1) + (file is null ? 0 : 1);
        if (ways != 1) throw new InvalidInputException("choose exactly one of --metric, --layers or --scores.");
        LayerScores Score(int k)
        {
            if (file is not null) return ScoresOf(file.FullName, input);
            var (device, dtype) = scoring.Compute(parse);
            return LayerScorer.Score(scoring.Request(parse, input, defaultBlockSize: k), device, dtype, ConsoleProgress.ForStandardError());
        }
        var names = RemovalNames.Cli;
        return LayerSelection.Choose(list is null ? null : LayerList.Parse(list, names.Layers),
            count is null ? null : RemovalCount.Parse(count, names.Remove), config.NumHiddenLayers, Score, names);
    }

    private static LayerScores ScoresOf(string file, string input)
    {
        var scores = LayerScores.Load(file);
        var identity = ModelIdentity.Of(input);
        if (scores.Model.ConfigSha256 != identity.ConfigSha256 || scores.Model.NumHiddenLayers != identity.NumHiddenLayers)
            throw new InvalidInputException($"{file}: these scores belong to another model ({scores.Model.Path}, " +
                                            $"{scores.Model.NumHiddenLayers} layers), not {input}.");
        return scores;
    }
}
