using System.Globalization;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Reporting;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// The run folder <c>OUT/NAME/</c>: <c>model/</c> (with its model card), results.json, report.md, the charts, manifest.json
/// and <c>evaluations/</c> (the harness-shaped files of each evaluate stage, <see cref="EvaluationFiles"/>).
/// <see cref="Write(RunOutcome, JsonObject, RunContext)"/> writes it as a whole (staged, then renamed into place);
/// <see cref="Read"/> is the one reader of it.
/// </summary>
public static partial class RunFolder
{
    public const string ReportFile = "report.md", ManifestFile = "manifest.json";

    public static string Write(RunOutcome run, JsonObject effectiveConfig, RunContext context)
    {
        string target = Path.Combine(context.Options.OutRoot, run.Name);
        using var staging = new StagingFolder(target);
        string model = Path.Combine(staging.Staging, "model");
        Directory.CreateDirectory(model);
        foreach (string file in Directory.EnumerateFiles(run.FinalModel))
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        string finetune = Path.Combine(run.FinalModel, "finetune.json");
        var summary = run.Summary();
        string? healing = File.Exists(finetune) ? Healing(finetune) : null;
        File.WriteAllText(Path.Combine(model, "README.md"), ModelCard.Write(summary, run.BaseModel, healing));

        Write(staging.Staging, ResultsFile, Results(summary).ToJsonString(JsonDefaults.Indented));
        Write(staging.Staging, ReportFile, RunReport.Markdown(summary));
        EvaluationFiles.Copy(staging.Staging, run.EvaluationFolders, Storage.BlobLocation.Redact(context.Config.Model.Source), run.Name);
        if (run.ScoresFile is not null)
        {
            var scores = LayerScores.Load(run.ScoresFile);
            var removed = run.Pruning.SelectMany(p => p.RemovedLayers).ToHashSet();
            Write(staging.Staging, RunSummary.ScoresChart, SvgBarChart.Render($"{scores.Metric} layer scores (lower = removed first)",
                scores.Layers.Select(l => l.Index.ToString(CultureInfo.InvariantCulture)).ToList(),
                scores.Layers.Select(l => l.Score).ToList(), scores.Metric == "angular" ? null : removed));
        }
        var tasks = summary.TaskMetrics;
        if (tasks.Count > 0)
            Write(staging.Staging, RunSummary.TasksChart, SvgBarChart.RenderPairs("baseline vs candidate", tasks,
                tasks.Select(t => run.Baseline.Values[t]).ToList(), tasks.Select(t => run.Candidate.Values[t]).ToList(),
                "baseline", "candidate"));
        var inputs = new Dictionary<string, string>(context.Inputs) { [run.BaseModel] = context.HashFolder(run.BaseModel) };
        // A SAS token in model.source must not reach the manifest.
        string manifest = RunManifest.Write(run, effectiveConfig, inputs, context.Seed).ToJsonString(JsonDefaults.Indented);
        Write(staging.Staging, ManifestFile, Storage.BlobLocation.Redact(manifest));
        staging.Commit();
        return target;
    }

    private static string Healing(string finetuneJson)
    {
        var json = JsonNode.Parse(File.ReadAllText(finetuneJson))!;
        return $"{json["method"]} on `{Path.GetFileName(json["data"]?.GetValue<string>() ?? "")}`, {json["steps"]} steps, " +
               $"{json["trainable_parameters"]:N0} trainable parameters";
    }

    private static void Write(string folder, string name, string text) => File.WriteAllText(Path.Combine(folder, name), text);
}
