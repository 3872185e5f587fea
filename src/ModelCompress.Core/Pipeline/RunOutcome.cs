using ModelCompress.Core.Gates;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Pipeline;

/// <summary>Everything a run found, from which results.json, report.md, the model card and the manifest are written.</summary>
public sealed record RunOutcome(
    string Name, Verdict Verdict, string BaseModel, string FinalModel, MetricValues Baseline, MetricValues Candidate,
    IReadOnlyList<GateVerdict> Gates, IReadOnlyList<PruningReport> Pruning, IReadOnlyList<StageRecord> Stages,
    string? ScoresFile, DateTimeOffset Started, DateTimeOffset Finished)
{
    /// <summary>The candidate's metrics at every evaluate stage, in order (the last one is <see cref="Candidate"/>).</summary>
    public IReadOnlyList<(string Stage, MetricValues Values)> Evaluations { get; init; } = [];

    /// <summary>Every evaluate stage's output folder (baseline and candidate), copied into the run folder's evaluations/.</summary>
    public IReadOnlyList<EvaluationRecord> EvaluationFolders { get; init; } = [];

    /// <summary>The run as its folder records it (what the reports render); the charts are those the folder will hold.</summary>
    public RunSummary Summary()
    {
        var pruning = Pruning.Select(p =>
            new PruningSummary(p.Method, p.RemovedLayers, p.LayersBefore, p.LayersAfter, p.ParametersBefore, p.ParametersAfter));
        var summary = new RunSummary(Name, Verdict, Values(Baseline), Values(Candidate), Gates, [.. pruning])
        {
            Evaluations = [.. Evaluations.Select(e => new StageMetrics(e.Stage, Values(e.Values)))],
            Stages = [.. Stages.Select(s => new StageTiming(s.Id, s.Type, s.Cached, s.Seconds, s.PeakRssBytes))],
            Started = Started,
            Finished = Finished,
            BaselineStats = Baseline.Stats,
            CandidateStats = Candidate.Stats,
        };
        string?[] charts =
            [ScoresFile is null ? null : RunSummary.ScoresChart, summary.TaskMetrics.Count == 0 ? null : RunSummary.TasksChart];
        return summary with { Charts = [.. charts.OfType<string>()] };
    }

    private static Dictionary<string, double?> Values(MetricValues values) => values.Values.ToDictionary(v => v.Key, v => (double?)v.Value);
}
