using System.Globalization;
using System.Text.Json.Serialization;
using ModelCompress.Core.Config;
using ModelCompress.Core.Repair;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>A <c>type: repair</c> stage: repair the pruned model's cuts on calibration text, without training.</summary>
public sealed record RepairStage(
    string Id,
    [property: JsonConverter(typeof(NamedEnumConverter<RepairMethod>))] RepairMethod Method,
    double Ridge, int? Samples) : StageConfig(Id);

/// <summary>
/// Repairs the current (pruned) model against the model the pipeline pruned it from; the output folder holds the repaired model
/// (same keys and shapes, with pruning.json and repair.json). Put it after a prune stage and before a heal.
/// </summary>
internal sealed class RepairStageType : StageType<RepairStage>
{
    public override StageSyntax Syntax { get; } = Spell("repair",
        "Repair the pruned model's cuts without training, folded into its weights (after prune, before a heal).",
        OneOf<RepairMethod>("method", "linear (ReplaceMe: a least-squares map per cut, folded into the down_proj before it) or " +
                                      "rescale (Prune&Comp: a magnitude scalar per cut, folded into the later layers).") with
            { Required = true },
        Num("ridge", "linear: ridge term relative to the mean diagonal of XᵀX; pulls each map towards the identity.",
            RepairRequest.DefaultRidge, 0),
        Int("samples", "Calibration windows (default: calibration.samples).", null, 1)) with { Check = Check };

    private static void Check(StageCheck c)
    {
        if (!c.Earlier.Values.Contains("prune")) c.Error("repair needs a pruned model: put it after a prune stage.");
    }

    protected override void Apply(RepairStage stage, StageWalk walk)
    {
        var run = walk.Run;
        var model = walk.Current;
        var lineage = model.Pruned ?? throw new InvalidInputException($"stage {stage.Id}: the model has not been pruned at this " +
                                                                       "point; put the repair after a prune stage.");
        var calibration = run.Config.Calibration
            ?? throw new InvalidInputException($"stage {stage.Id}: repair needs calibration text; add calibration: {{ text: FILE }}.");
        int samples = stage.Samples ?? calibration.Samples;
        string? key = model.Key is null || lineage.Source.Key is null ? null
            : run.Key("repair", model.Key, PipelineConfigLoader.Settings(stage), lineage.Source.Key,
                new { Samples = samples, calibration.SeqLen, Text = run.HashFile(run.Resolve(calibration.Text)) });
        string? folder = walk.Step(stage.Id, "repair", key, model.Layers, () => Note(stage, lineage), output =>
        {
            var request = new RepairRequest(model.Path, lineage.Source.Path, lineage.Kept!, Path.Combine(output, StageFiles.Model),
                stage.Method, run.Resolve(calibration.Text), samples, calibration.SeqLen, run.Seed, stage.Ridge);
            CutRepairer.Repair(request, run.Device, run.DType, run.Progress);
        }, planner => planner.Forward(lineage.Source.Layers, samples, calibration.SeqLen, 2.0 * samples * calibration.SeqLen, 1,
            streams: true, gradients: false));
        walk.Current = model with { Folder = folder is null ? null : Path.Combine(folder, StageFiles.Model), Key = key };
    }

    private static string Note(RepairStage stage, PruneLineage lineage) =>
        $"{stage.Method.Name()} against the {lineage.Source.Layers}-layer model" +
        (stage.Method == RepairMethod.Linear ? ", ridge " + stage.Ridge.ToString("G3", CultureInfo.InvariantCulture) : "");
}
