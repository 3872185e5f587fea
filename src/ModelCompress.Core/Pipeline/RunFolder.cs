using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Reporting;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Pipeline;

/// <summary>Writes the run folder <c>OUT/NAME/</c> as a whole (staged, then renamed into place).</summary>
public static class RunFolder
{
    public static string Write(RunOutcome run, JsonObject effectiveConfig, RunContext context)
    {
        string target = Path.Combine(context.Options.OutRoot, run.Name);
        using var staging = new StagingFolder(target);
        string model = Path.Combine(staging.Staging, "model");
        Directory.CreateDirectory(model);
        foreach (string file in Directory.EnumerateFiles(run.FinalModel))
            File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
        string? healing = File.Exists(Path.Combine(run.FinalModel, "finetune.json")) ? Healing(Path.Combine(run.FinalModel, "finetune.json")) : null;
        File.WriteAllText(Path.Combine(model, "README.md"), ModelCard.Write(run, healing));

        Write(staging.Staging, "results.json", RunReport.Results(run).ToJsonString(JsonDefaults.Indented));
        Write(staging.Staging, "report.md", RunReport.Markdown(run));
        if (run.ScoresFile is not null)
        {
            var scores = LayerScores.Load(run.ScoresFile);
            var removed = run.Pruning.SelectMany(p => p.RemovedLayers).ToHashSet();
            Write(staging.Staging, "scores.svg", SvgBarChart.Render($"{scores.Metric} layer scores (lower = removed first)",
                scores.Layers.Select(l => l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
                scores.Layers.Select(l => l.Score).ToList(), scores.Metric == "angular" ? null : removed));
        }
        var tasks = RunReport.TaskMetrics(run);
        if (tasks.Count > 0)
            Write(staging.Staging, "tasks.svg", SvgBarChart.RenderPairs("baseline vs candidate", tasks,
                tasks.Select(t => run.Baseline.Values[t]).ToList(), tasks.Select(t => run.Candidate.Values[t]).ToList(), "baseline", "candidate"));
        var inputs = new Dictionary<string, string>(context.Inputs) { [run.BaseModel] = context.HashFolder(run.BaseModel) };
        // A SAS token in model.source must not reach the manifest.
        Write(staging.Staging, "manifest.json", Storage.BlobLocation.Redact(RunManifest.Write(run, effectiveConfig, inputs, context.Seed).ToJsonString(JsonDefaults.Indented)));
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
