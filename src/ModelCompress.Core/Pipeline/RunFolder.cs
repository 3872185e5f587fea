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
        context.StageOfOutput = path => run.Stages.FirstOrDefault(s => RunContext.IsUnder(path, s.Output))?.Id;
        foreach (string file in Directory.EnumerateFiles(run.FinalModel))
        {
            string copy = Path.Combine(model, Path.GetFileName(file));
            if (PathReports.Contains(Path.GetFileName(file))) File.WriteAllText(copy, WithPublicPaths(file, context));
            else File.Copy(file, copy);
        }
        // Stage outputs made before licence files travelled lack them: the base folder's always reach the model.
        HfFolderWriter.CopyLicenceFiles(run.BaseModel, model, overwrite: false);
        var summary = run.Summary();
        var origin = Origin(run, context, model);
        File.WriteAllText(Path.Combine(model, "README.md"), ModelCard.Write(summary, origin));

        Write(staging.Staging, ResultsFile, Results(summary).ToJsonString(JsonDefaults.Indented));
        Write(staging.Staging, ReportFile, RunReport.Markdown(summary));
        EvaluationFiles.Copy(staging.Staging, run.EvaluationFolders, Storage.BlobLocation.Redact(context.Config.Model.Source), run.Name);
        if (run.ScoresFile is not null)
            Write(staging.Staging, RunSummary.ScoresChart, ScoresChart(LayerScores.Load(run.ScoresFile), summary));
        var tasks = summary.TaskMetrics;
        if (tasks.Count > 0)
            Write(staging.Staging, RunSummary.TasksChart, SvgBarChart.RenderPairs("Accuracy per task: baseline vs candidate", tasks,
                tasks.Select(t => run.Baseline.Values[t]).ToList(), tasks.Select(t => run.Candidate.Values[t]).ToList(),
                "baseline", "candidate", tasks.Select(t => summary.BaselineStats.GetValueOrDefault(t)?.Chance).ToList()));
        var inputs = context.Inputs.Append(KeyValuePair.Create(run.BaseModel, context.HashFolder(run.BaseModel)))
            .Select(i => (context.PublicName(i.Key), i.Value)).Distinct().ToList();
        var provenance = RunProvenance.Read(context.Options.Environment ?? System.Environment.GetEnvironmentVariable);
        // A SAS token in model.source must not reach the manifest.
        string manifest = RunManifest.Write(run, effectiveConfig, inputs, context.Seed, origin, provenance)
            .ToJsonString(JsonDefaults.Indented);
        Write(staging.Staging, ManifestFile, Storage.BlobLocation.Redact(manifest));
        staging.Commit();
        return target;
    }

    // The model's reports that name files: their paths are rewritten to what pruning.yaml wrote (no cache path leaves the run).
    private static readonly HashSet<string> PathReports = new(StringComparer.Ordinal) { "finetune.json", "pruning.json", "repair.json" };

    private static string WithPublicPaths(string jsonFile, RunContext context)
    {
        var json = JsonNode.Parse(File.ReadAllText(jsonFile));
        PublicPaths(json, context);
        // A blob source written with a SAS token names it: redacted as in the manifest.
        return Storage.BlobLocation.Redact(json?.ToJsonString(JsonDefaults.Indented) ?? "null");
    }

    private static void PublicPaths(JsonNode? node, RunContext context)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                    if (value is JsonValue v && v.TryGetValue(out string? text)) obj[key] = context.PublicName(text);
                    else PublicPaths(value, context);
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                    if (array[i] is JsonValue v && v.TryGetValue(out string? text)) array[i] = context.PublicName(text);
                    else PublicPaths(array[i], context);
                break;
        }
    }

    // What the card says of the base model: model.id, else the base's own Hub id, else model.source as written (redacted).
    private static ModelOrigin Origin(RunOutcome run, RunContext context, string model)
    {
        var config = context.Config.Model;
        var card = BaseModelCard.Read(run.BaseModel);
        string? hubId = config.Id ?? card.HubId;
        string license = config.License ?? card.License ?? "unknown";
        bool fromCard = config.License is null && card.License is not null;
        var datasets = context.Config.Stages.OfType<Stages.FinetuneStage>().Select(f => DatasetName(f.Data)).Distinct().ToList();
        string finetune = Path.Combine(model, "finetune.json");
        return new ModelOrigin(hubId ?? Storage.BlobLocation.Redact(config.Source), license, datasets,
            File.Exists(finetune) ? Healing(finetune) : null)
        {
            BaseModelOnHub = hubId is not null,
            LicenseName = fromCard ? card.LicenseName : null,
            LicenseLink = fromCard ? card.LicenseLink : null,
            LicenceFiles = HfFolderWriter.LicenceFiles(model),
        };
    }

    // Healing data by name: builtin:demo/… and URLs as written (redacted), local files by file name.
    private static string DatasetName(string data) =>
        data.StartsWith(Demo.DemoAssets.Scheme, StringComparison.Ordinal) ? data
        : data.Contains("://", StringComparison.Ordinal) ? Storage.BlobLocation.Redact(data) : Path.GetFileName(data);

    // The layer scores with the removed layers (original indices) in red; angular scores are by block start, so none are.
    private static string ScoresChart(LayerScores scores, RunSummary summary)
    {
        var removed = summary.Pruning.SelectMany(p => p.RemovedLayers).ToHashSet();
        bool angular = scores.Metric is "angular" or "window";
        string how = string.Join(", ", summary.Pruning.Select(p => p.Method).Distinct());
        return SvgBarChart.Render($"{scores.Metric} layer scores (lower = less important)",
            scores.Layers.Select(l => l.Index.ToString(CultureInfo.InvariantCulture)).ToList(), scores.Layers.Select(l => l.Score).ToList(),
            angular ? null : removed, $"removed ({how})", angular ? "block start" : "layer", $"{scores.Metric} score");
    }

    private static string Healing(string finetuneJson)
    {
        var json = JsonNode.Parse(File.ReadAllText(finetuneJson))!;
        return $"{json["method"]} on `{json["data"]}`, {json["steps"]} steps, " +
               $"{json["trainable_parameters"]?.GetValue<long>():N0} trainable parameters";
    }

    private static void Write(string folder, string name, string text) => File.WriteAllText(Path.Combine(folder, name), text);
}
