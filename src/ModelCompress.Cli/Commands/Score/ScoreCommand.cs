using System.CommandLine;
using System.Globalization;
using ModelCompress.Core.Reporting;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Cli.Commands.Score;

/// <summary><c>dotnet compress score</c>: score every decoder layer with one metric.</summary>
public static class ScoreCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder.", Required = true };
        var scoring = new ScoringOptions();
        scoring.Metric.Required = true;
        var scoresFile = new Option<FileInfo?>("--output")
        {
            Description = "Write scores.json here (metric, model, calibration, layers, removal_order).",
        };
        var chart = new Option<FileInfo?>("--chart") { Description = "Write an SVG bar chart of the scores here." };
        var command = new Command("score",
            "Score each decoder layer's importance (lower = less important = removed first) and print the ranking.\n" +
            "Example: dotnet compress score --model models/llama --metric block-influence --calibration wiki.txt --output scores.json");
        foreach (var option in scoring.All.Append(model).Append(scoresFile).Append(chart)) command.Options.Add(option);
        command.SetAction(parse =>
        {
            var request = scoring.Request(parse, parse.GetValue(model)!.FullName);
            var (device, dtype) = scoring.Compute(parse);
            var scores = LayerScorer.Score(request, device, dtype, ConsoleProgress.ForStandardError());
            WriteTable(output, scores);
            if (parse.GetValue(scoresFile) is { } file)
            {
                scores.Save(file.FullName);
                output.WriteLine($"wrote {file.FullName}");
            }
            if (parse.GetValue(chart) is { } svg)
            {
                // Nothing is removed here, so no bar is marked (angular marks its best block).
                File.WriteAllText(svg.FullName, Chart(scores, 0));
                output.WriteLine($"wrote {svg.FullName}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A bar chart of the scores with the first <paramref name="removed"/> layers of the removal order highlighted.</summary>
    public static string Chart(LayerScores scores, int removed)
    {
        bool blocks = ScoringMetrics.Parse(scores.Metric).ScoresBlocks();
        var highlighted = blocks
            ? new HashSet<int> { scores.RemovalOrder[0] } // angular and window scores are indexed by block start
            : scores.RemovalOrder.Take(removed).ToHashSet();
        string label = blocks ? "block start" : "layer";
        return SvgBarChart.Render($"{scores.Metric} scores by {label} (lower = removed first)",
            scores.Layers.Select(l => l.Index.ToString(CultureInfo.InvariantCulture)).ToList(),
            scores.Layers.Select(l => l.Score).ToList(), highlighted, blocks ? "best block" : "removed first");
    }

    private static void WriteTable(TextWriter output, LayerScores scores)
    {
        bool blocks = ScoringMetrics.Parse(scores.Metric).ScoresBlocks();
        string what = blocks ? $"block start (size {scores.Settings.BlockSize})" : "layer";
        output.WriteLine($"{what,-26} {"score",14}  rank");
        var rank = scores.RemovalOrder.Select((layer, r) => (layer, r)).ToDictionary(p => p.layer, p => p.r + 1);
        foreach (var layer in scores.Layers)
        {
            string r = blocks ? "" : rank[layer.Index].ToString(CultureInfo.InvariantCulture);
            output.WriteLine($"{layer.Index,-26} {layer.Score.ToString("G6", CultureInfo.InvariantCulture),14}  {r}");
        }
        output.WriteLine($"removal order: {string.Join(", ", scores.RemovalOrder)}");
    }
}
