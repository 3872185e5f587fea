using ModelCompress.Core.Gates;
using ModelCompress.Core.Pruning;

namespace ModelCompress.Core.Pipeline;

/// <summary>Passed: every gate held. GateFailed: at least one did not; nothing is published and the CLI exits 3.</summary>
public enum Verdict { Passed, GateFailed }

/// <summary>Everything a run found, from which results.json, report.md, the model card and the manifest are written.</summary>
public sealed record RunOutcome(
    string Name, Verdict Verdict, string BaseModel, string FinalModel, MetricValues Baseline, MetricValues Candidate,
    IReadOnlyList<GateVerdict> Gates, IReadOnlyList<PruningReport> Pruning, IReadOnlyList<StageRecord> Stages,
    string? ScoresFile, DateTimeOffset Started, DateTimeOffset Finished)
{
    /// <summary>The candidate's metrics at every evaluate stage, in order (the last one is <see cref="Candidate"/>).</summary>
    public IReadOnlyList<(string Stage, MetricValues Values)> Evaluations { get; init; } = [];
}
