using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// What a finished run folder says about the run, typed: the contents of its results.json (verdict, the baseline's and the
/// candidate's metrics, gates, pruning, earlier evaluations) and what its manifest.json and charts add. Built from a run
/// as it ends (<c>RunOutcome.Summary()</c>) or read back from a folder (<c>RunFolder.Read</c>); every report and publisher
/// works from it. A metric value is null where results.json holds null (a non-finite number).
/// </summary>
public sealed record RunSummary(
    string Name, Verdict Verdict, IReadOnlyDictionary<string, double?> Baseline, IReadOnlyDictionary<string, double?> Candidate,
    IReadOnlyList<GateVerdict> Gates, IReadOnlyList<PruningSummary> Pruning)
{
    public const string ScoresChart = "scores.svg", TasksChart = "tasks.svg";

    /// <summary>The candidate's metrics after each evaluate stage, in order (the last one is <see cref="Candidate"/>).</summary>
    public IReadOnlyList<StageMetrics> Evaluations { get; init; } = [];

    /// <summary>The baseline's sample sizes, standard errors and chance levels by metric (<c>statistics.baseline</c>).</summary>
    public IReadOnlyDictionary<string, MetricStats> BaselineStats { get; init; } = new Dictionary<string, MetricStats>();

    /// <summary>The candidate's sample sizes, standard errors and chance levels by metric (<c>statistics.candidate</c>).</summary>
    public IReadOnlyDictionary<string, MetricStats> CandidateStats { get; init; } = new Dictionary<string, MetricStats>();

    /// <summary>
    /// One warning for each accuracy of the candidate, then of the baseline, that is within two standard errors of chance,
    /// in ordinal order of the metric.
    /// </summary>
    public IReadOnlyList<string> ChanceWarnings =>
    [
        .. new[] { ("candidate", Candidate, CandidateStats), ("baseline", Baseline, BaselineStats) }.SelectMany(m =>
            m.Item2.Keys.Order(StringComparer.Ordinal)
                .Select(k => MetricStats.ChanceWarning(k, m.Item1, m.Item2[k], m.Item3.GetValueOrDefault(k))).OfType<string>()),
    ];

    /// <summary>Each stage's key, time and memory (from manifest.json; empty when the folder has none).</summary>
    public IReadOnlyList<StageTiming> Stages { get; init; } = [];

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    /// <summary>The pipeline's <c>model.source</c> as the manifest records it (SAS tokens redacted); null without a manifest.</summary>
    public string? ModelSource { get; init; }

    /// <summary>The base model the model card names (manifest.json's <c>base_model</c>: a Hub id or the source as written).</summary>
    public string? BaseModel { get; init; }

    /// <summary>The charts the run folder holds (<see cref="ScoresChart"/>, <see cref="TasksChart"/>).</summary>
    public IReadOnlyList<string> Charts { get; init; } = [];

    public bool Passed => Verdict == Verdict.Passed;

    public IReadOnlyList<GateVerdict> FailedGates => [.. Gates.Where(g => !g.Passed)];

    /// <summary>The accuracy metrics shown in the baseline-vs-candidate chart, in ordinal order.</summary>
    public IReadOnlyList<string> TaskMetrics =>
    [
        .. Candidate.Keys.Where(k => (k.EndsWith(".acc", StringComparison.Ordinal) || k.EndsWith(".acc_norm", StringComparison.Ordinal))
                                     && Baseline.ContainsKey(k)).Order(StringComparer.Ordinal),
    ];
}

/// <summary>One pruning step as results.json records it: the removed layers (original indices) and the sizes around it.</summary>
public sealed record PruningSummary(
    string Method, IReadOnlyList<int> RemovedLayers, int LayersBefore, int LayersAfter, long ParametersBefore, long ParametersAfter);

/// <summary>The candidate's metrics after one evaluate stage.</summary>
public sealed record StageMetrics(string Stage, IReadOnlyDictionary<string, double?> Values);

/// <summary>One stage of the run: whether it was reused from the cache, wall time and peak memory (0 when cached).</summary>
public sealed record StageTiming(string Id, string Type, bool Cached, double Seconds, long PeakRssBytes);
