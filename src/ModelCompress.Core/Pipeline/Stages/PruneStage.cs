using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Scoring;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>A <c>type: prune</c> stage: remove decoder layers chosen by a metric, by an earlier score stage, or listed.</summary>
public sealed record PruneStage(
    string Id,
    [property: JsonConverter(typeof(NamedEnumConverter<ScoringMetric>))] ScoringMetric? Metric,
    string? Scores, LayerList? Layers, RemovalCount? Remove, IterativeConfig? Iterative) : StageConfig(Id);

/// <summary>
/// The model layers were removed from (before any prune of the pipeline) and, for each remaining layer, its index there; null
/// <see cref="Kept"/> while planning (the layers are chosen when the stage runs).
/// </summary>
public sealed record PruneLineage(ModelState Source, IReadOnlyList<int>? Kept);

/// <summary>Iterative pruning: <see cref="Step"/> layers at a time, healing with the finetune stage <see cref="Heal"/> between.</summary>
public sealed record IterativeConfig(int Step, string Heal);

/// <summary>Removes layers from the current model; the output folder holds the pruned model and, when scored, scores.json.</summary>
internal sealed class PruneStageType : StageType<PruneStage>
{
    private const string CountOrPercent = @"^\s*(\d+|\d+(\.\d+)?%)\s*$";
    private const string LayerList = @"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$";

    public override StageSyntax Syntax { get; } = Spell("prune",
        "Remove decoder layers: choose them by metric, by an earlier score stage, or list them.",
        OneOf<ScoringMetric>("metric", "Score with this metric, then remove the lowest-scoring layers."),
        Str("scores", "Id of an earlier score stage whose removal order to follow."),
        Str("layers", "Exactly which layers to remove, 0-based, e.g. \"24-31\" or \"3,5,7\".") with
            { Pattern = (LayerList, "a list such as 24-31,5") },
        Str("remove", "How many layers to remove: a count (8) or a percentage (25%). Required with metric or scores.") with
            { Pattern = (CountOrPercent, "a count such as 8 or a percentage such as 25%") },
        Obj("iterative", "Remove `step` layers at a time, healing with the `heal` finetune stage and re-scoring between steps, " +
                         "until `remove` layers are gone.",
            Int("step", "Layers removed per iteration.", null, 1) with { Required = true },
            Str("heal", "Id of the finetune stage used between iterations.") with { Required = true })) with { Check = Check };

    // One way to pick layers, a removal that leaves a model, references to earlier stages.
    private static void Check(StageCheck c)
    {
        if (new[] { "metric", "scores", "layers" }.Count(k => c.Stage[k] is not null) != 1)
            c.Error("choose exactly one of metric, scores or layers.");
        if (c.Stage["layers"] is not null && c.Stage["remove"] is not null) c.Error("layers already says what to remove; drop remove.");
        if (c.Stage["layers"] is null && c.Stage["remove"] is null)
            c.Error("missing 'remove' (a count such as 8 or a percentage such as 25%).");
        if (c.String("remove") is { } remove && RemovesNothingOrEverything(remove))
            c.Error($"remove '{remove}' must be at least 1 layer and a percentage below 100%.");
        if (c.String("scores") is { } scores && (!c.Earlier.TryGetValue(scores, out var type) || type != "score"))
            c.Error($"scores refers to '{scores}', which is not an earlier score stage.");
        if (c.Stage["iterative"] is JsonObject iterative)
        {
            if (c.Stage["metric"] is null) c.Error("iterative pruning re-scores between steps, so it needs a metric.");
            if (iterative["heal"]?.GetValue<string>() is { } heal && !c.All.Contains((heal, "finetune")))
                c.Error($"iterative.heal refers to '{heal}', which is not a finetune stage.");
        }
    }

    private static bool RemovesNothingOrEverything(string remove)
    {
        string text = remove.Trim();
        double value = double.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture);
        return value <= 0 || (text.EndsWith('%') && value >= 100);
    }

    protected override void Apply(PruneStage stage, StageWalk walk)
    {
        if (stage.Iterative is { } iterative)
        {
            Iterate(stage, iterative, walk);
            return;
        }
        var model = walk.Current;
        var names = RemovalNames.Stage(stage.Id);
        int k = stage.Layers is { } list ? list.Of(model.Layers, names.Layers).Length : stage.Remove!.Of(model.Layers, names.Remove);
        var source = stage.Scores is { } id ? walk.Ledger.Scores(id) : null;
        string? key = model.Key is null ? null
            : walk.Run.Key("prune", model.Key, PipelineConfigLoader.Settings(stage), source?.Key,
                ScoreStageType.CalibrationKey(walk.Run, stage.Metric));
        string? folder = walk.Step(stage.Id, "prune", key, model.Layers - k, () => Note(stage, k), output =>
        {
            var choice = LayerSelection.Choose(stage.Layers, stage.Remove, model.Layers, count => source?.Folder is { } scored
                ? LayerScores.Load(Path.Combine(scored, StageFiles.Scores))
                : ScoreStageType.Score(walk.Run, model.Path, stage.Metric!.Value, BlockInfluenceReduction.PerToken, count,
                    lowMemory: null),
                names);
            CheckpointPruner.Prune(model.Path, Path.Combine(output, StageFiles.Model), choice.Removed, choice.Method, choice.Scores?.Layers,
                walk.Run.Progress);
            choice.Scores?.Save(Path.Combine(output, StageFiles.Scores));
        }, planner => stage.Metric is { } metric && source is null
            ? ScoreStageType.Estimate(walk.Run, planner, metric, model.Layers,
                ScoreStageType.Streams(walk.Run, planner, metric, model.Layers, null).Streams)
            : planner.Copy());
        PruningReport? report = null;
        if (folder is not null)
        {
            report = PruningReport.Load(Path.Combine(folder, StageFiles.Model));
            walk.Ledger.Add(report);
            walk.Ledger.ScoresFileWritten(folder);
        }
        walk.Current = new ModelState(folder is null ? null : Path.Combine(folder, StageFiles.Model), key, model.Layers - k)
            { Pruned = Lineage(model, report) };
    }

    // A later prune (an iterative round, or a second stage) keeps the first source: kept indices compose.
    private static PruneLineage Lineage(ModelState input, PruningReport? report)
    {
        var kept = report?.KeptLayers;
        return input.Pruned is { } earlier
            ? new PruneLineage(earlier.Source, kept is null || earlier.Kept is null ? null : [.. kept.Select(k => earlier.Kept[k])])
            : new PruneLineage(input with { Pruned = null }, kept);
    }

    // Remove `step` layers, heal, re-score, until `remove` layers are gone (Lu et al. 2024, §4.3, iterative pruning).
    private void Iterate(PruneStage stage, IterativeConfig iterative, StageWalk walk)
    {
        int total = stage.Remove!.Of(walk.Current.Layers, RemovalNames.Stage(stage.Id).Remove);
        var heal = walk.Stage<FinetuneStage>(iterative.Heal);
        for (int removed = 0, round = 1; removed < total; round++)
        {
            int now = Math.Min(iterative.Step, total - removed);
            Apply(stage with { Id = $"{stage.Id}.{round}", Remove = new RemovalCount(now, null), Iterative = null }, walk);
            removed += now;
            if (removed < total) StageTypes.Of(heal).Apply(heal with { Id = $"{stage.Id}.{round}.heal" }, walk);
        }
    }

    private static string Note(PruneStage stage, int k) =>
        $"remove {k} layer{(k == 1 ? "" : "s")} " +
        $"({stage.Metric?.Name() ?? (stage.Scores is null ? "explicit" : $"scores of {stage.Scores}")})";
}
