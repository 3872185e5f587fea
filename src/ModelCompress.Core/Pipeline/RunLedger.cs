using ModelCompress.Core.Pruning;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// What a run (or a plan) has done so far, in order. Stages append to it; the runner and the planner read it at the end.
/// </summary>
public sealed class RunLedger
{
    private readonly List<StageRecord> records = [];
    private readonly List<PlanRow> plan = [];
    private readonly List<PruningReport> pruning = [];
    private readonly Dictionary<string, StageOutput> scores = [];
    private readonly List<EvaluationRecord> evaluations = [];

    /// <summary>Every step run or reused (running only).</summary>
    public IReadOnlyList<StageRecord> Records => records;

    /// <summary>Every step as planned (planning only), after the base model's row.</summary>
    public IReadOnlyList<PlanRow> Plan => plan;

    /// <summary>Every removal so far (an iterative stage adds one per round).</summary>
    public IReadOnlyList<PruningReport> Pruning => pruning;

    /// <summary>Every evaluation, baseline and candidate, in order.</summary>
    public IReadOnlyList<EvaluationRecord> Evaluations => evaluations;

    /// <summary>
    /// The scores to chart: the latest scores.json a score stage wrote (data-driven), else the latest a prune stage wrote.
    /// </summary>
    public string? ScoresFile { get; private set; }

    private bool scoresFromScoreStage;

    /// <summary>The output of an earlier score stage (folder null while planning, key null when not known yet).</summary>
    public StageOutput Scores(string stageId) => scores[stageId];

    internal void Add(StageRecord record) => records.Add(record);

    internal void Add(PlanRow row) => plan.Add(row);

    internal void Add(PruningReport report) => pruning.Add(report);

    internal void Add(EvaluationRecord evaluation) => evaluations.Add(evaluation);

    internal void AddScores(string stageId, StageOutput output)
    {
        scores[stageId] = output;
        NoteScores(output.Folder, scoreStage: true);
    }

    /// <summary>Notes a scores.json in a prune step's output folder, if there is one and no score stage wrote one.</summary>
    internal void ScoresFileWritten(string? folder) => NoteScores(folder, scoreStage: false);

    private void NoteScores(string? folder, bool scoreStage)
    {
        string? file = folder is null ? null : Path.Combine(folder, StageFiles.Scores);
        if (file is null || !File.Exists(file) || (scoresFromScoreStage && !scoreStage)) return;
        ScoresFile = file;
        scoresFromScoreStage |= scoreStage;
    }
}

/// <summary>A step's output folder and cache key.</summary>
public sealed record StageOutput(string? Folder, string? Key);

/// <summary>One evaluation: of the baseline or the candidate, by which stage, into which folder, of which model folder.</summary>
public sealed record EvaluationRecord(string Stage, bool Baseline, string Folder, string ModelFolder);

/// <summary>File and folder names inside a step's output.</summary>
public static class StageFiles
{
    public const string Model = "model";
    public const string Scores = "scores.json";
}
