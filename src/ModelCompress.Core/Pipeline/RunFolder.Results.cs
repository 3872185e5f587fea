using System.Globalization;
using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Pipeline;

/// <summary>results.json, written and read in one place; every other reader of a run folder gets a <see cref="RunSummary"/>.</summary>
public static partial class RunFolder
{
    public const string ResultsFile = "results.json";

    /// <summary>results.json of a run as it ends (what <c>run --json</c> prints).</summary>
    public static JsonObject Results(RunOutcome run) => Results(run.Summary());

    /// <summary>
    /// results.json: name, verdict, metrics of baseline and candidate and their deltas, evaluations, gates, pruning, and each
    /// metric's sample size, standard error and chance level (<c>statistics.baseline|candidate.METRIC.n|stderr|chance</c>).
    /// </summary>
    public static JsonObject Results(RunSummary run)
    {
        var keys = run.Baseline.Keys.Union(run.Candidate.Keys).Order(StringComparer.Ordinal).ToList();
        JsonObject Values(IReadOnlyDictionary<string, double?> v) =>
            new(keys.Where(v.ContainsKey).Select(k => KeyValuePair.Create(k, Num(v[k]))));
        return new JsonObject
        {
            ["name"] = run.Name,
            ["verdict"] = run.Passed ? "passed" : "failed",
            ["baseline"] = Values(run.Baseline),
            ["candidate"] = Values(run.Candidate),
            ["deltas"] = new JsonObject(keys.Where(k => run.Baseline.ContainsKey(k) && run.Candidate.ContainsKey(k))
                .Select(k => KeyValuePair.Create(k, Num(run.Candidate[k] - run.Baseline[k])))),
            ["evaluations"] = new JsonObject(run.Evaluations.Select(e => KeyValuePair.Create(e.Stage, (JsonNode?)Values(e.Values)))),
            ["gates"] = new JsonArray([.. run.Gates.Select(g => (JsonNode)new JsonObject
            {
                ["metric"] = g.Metric, ["condition"] = g.Condition, ["baseline"] = Num(g.Baseline), ["candidate"] = Num(g.Candidate),
                ["passed"] = g.Passed, ["detail"] = g.Detail,
            })]),
            ["pruning"] = new JsonArray([.. run.Pruning.Select(p => (JsonNode)new JsonObject
            {
                ["method"] = p.Method, ["removed_layers"] = new JsonArray([.. p.RemovedLayers.Select(l => (JsonNode)l)]),
                ["layers_before"] = p.LayersBefore, ["layers_after"] = p.LayersAfter,
                ["parameters_before"] = p.ParametersBefore, ["parameters_after"] = p.ParametersAfter,
            })]),
            ["statistics"] = new JsonObject { ["baseline"] = StatsJson(run.BaselineStats), ["candidate"] = StatsJson(run.CandidateStats) },
        };
    }

    private static JsonObject StatsJson(IReadOnlyDictionary<string, MetricStats> stats) =>
        new(stats.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonObject
        {
            ["n"] = s.Value.N, ["stderr"] = Num(s.Value.Stderr), ["chance"] = Num(s.Value.Chance),
        })));

    private static Dictionary<string, MetricStats> ReadStats(JsonNode? stats) =>
        (stats as JsonObject ?? []).Where(s => s.Value is JsonObject).ToDictionary(s => s.Key, s => new MetricStats(
            s.Value!["n"]?.GetValue<int>() ?? 0, s.Value["stderr"]?.GetValue<double>(), s.Value["chance"]?.GetValue<double>()));

    /// <summary>
    /// The run in folder <paramref name="dir"/>: its results.json (required; fields it lacks read as empty, a verdict other
    /// than "passed" as <see cref="Verdict.GateFailed"/>), its manifest.json's times, model source, base model and stages (when it has a
    /// readable one) and which charts it holds.
    /// </summary>
    public static RunSummary Read(string dir)
    {
        string path = Path.Combine(dir, ResultsFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{dir} is not a run folder: {ResultsFile} is missing.", path);
        var results = JsonNode.Parse(File.ReadAllText(path));
        var manifest = Manifest(Path.Combine(dir, ManifestFile));
        return new RunSummary(results?["name"]?.GetValue<string>() ?? "",
            results?["verdict"]?.GetValue<string>() == "passed" ? Verdict.Passed : Verdict.GateFailed,
            Metrics(results?["baseline"]), Metrics(results?["candidate"]),
            [.. Items(results?["gates"]).Select(Gate)], [.. Items(results?["pruning"]).Select(Pruning)])
        {
            Evaluations = [.. (results?["evaluations"] as JsonObject ?? []).Select(e => new StageMetrics(e.Key, Metrics(e.Value)))],
            Stages = [.. Items(manifest?["stages"]).Select(Stage)],
            BaselineStats = ReadStats(results?["statistics"]?["baseline"]),
            CandidateStats = ReadStats(results?["statistics"]?["candidate"]),
            Started = Time(manifest?["started"]),
            Finished = Time(manifest?["finished"]),
            ModelSource = manifest?["effective_config"]?["model"]?["source"]?.GetValue<string>(),
            BaseModel = manifest?["base_model"]?.GetValue<string>(),
            Charts = [.. new[] { RunSummary.ScoresChart, RunSummary.TasksChart }.Where(c => File.Exists(Path.Combine(dir, c)))],
        };
    }

    private static JsonNode? Manifest(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static IEnumerable<JsonNode> Items(JsonNode? array) => (array as JsonArray ?? []).OfType<JsonNode>();

    private static Dictionary<string, double?> Metrics(JsonNode? values) =>
        (values as JsonObject ?? []).ToDictionary(m => m.Key, m => m.Value?.GetValue<double>());

    private static GateVerdict Gate(JsonNode g) => new(Text(g["metric"]), Text(g["condition"]), g["baseline"]?.GetValue<double>(),
        g["candidate"]?.GetValue<double>(), g["passed"]?.GetValue<bool>() == true, Text(g["detail"]));

    private static PruningSummary Pruning(JsonNode p) => new(Text(p["method"]),
        [.. Items(p["removed_layers"]).Select(l => l.GetValue<int>())], p["layers_before"]?.GetValue<int>() ?? 0,
        p["layers_after"]?.GetValue<int>() ?? 0, p["parameters_before"]?.GetValue<long>() ?? 0,
        p["parameters_after"]?.GetValue<long>() ?? 0);

    private static StageTiming Stage(JsonNode s) => new(Text(s["id"]), Text(s["type"]), s["cached"]?.GetValue<bool>() == true,
        s["seconds"]?.GetValue<double>() ?? 0, s["peak_rss_bytes"]?.GetValue<long>() ?? 0);

    private static DateTimeOffset? Time(JsonNode? value) =>
        DateTimeOffset.TryParse(value?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static string Text(JsonNode? value) => value?.ToString() ?? "";

    private static JsonNode? Num(double? v) => v is double d && double.IsFinite(d) ? JsonValue.Create(d) : null;
}
