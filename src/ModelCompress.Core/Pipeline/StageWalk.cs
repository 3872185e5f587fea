using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline.Stages;

namespace ModelCompress.Core.Pipeline;

/// <summary>The model flowing between stages: its folder (null while planning), its key (null when not known yet), its layers.</summary>
public sealed record ModelState(string? Folder, string? Key, int Layers)
{
    /// <summary>The folder of a model that exists (running).</summary>
    public string Path => Folder ?? throw new InvalidOperationException("a planned model has no folder.");

    /// <summary>Set once layers were removed: the unpruned model and where this model's layers sit in it (a repair reads it).</summary>
    public Stages.PruneLineage? Pruned { get; init; }
}

/// <summary>One planned step: its cache key and whether its output is cached, and the model's size after it.</summary>
public sealed record PlanRow(string Id, string Type, bool Cached, int Layers, long Parameters, long MemoryBytes, string Note)
{
    /// <summary>The step's cache key; null when an earlier input does not exist yet (a model not pulled or built).</summary>
    public string? Key { get; init; }

    /// <summary>Peak memory and time on the planned target; null for the base model's row.</summary>
    public Planning.StageEstimate? Estimate { get; init; }
}

/// <summary>
/// One walk over a pipeline's stages, running them or planning them. Both go through the same stage code (<see cref="IStageType"/>),
/// so a plan's cache keys are the run's own: a stage computes its key, then asks <see cref="Step"/> to produce (running) or
/// only look up (planning) its output.
/// </summary>
public sealed class StageWalk
{
    private readonly PlanShape? shape;
    private int stageNumber;

    private StageWalk(RunContext run, ModelState start, PlanShape? shape)
    {
        Run = run;
        Base = Current = start;
        this.shape = shape;
    }

    public RunContext Run { get; }
    public RunLedger Ledger { get; } = new();

    /// <summary>True when only planning: no weight is read and no step runs.</summary>
    public bool Planning => shape is not null;

    /// <summary>The planned built-in demo has not been built yet: its data files do not exist.</summary>
    public bool DemoPending => shape?.DemoPending ?? false;

    /// <summary>Planning: the parameters of the base model with <paramref name="layers"/> decoder layers left.</summary>
    public long PlannedParameters(int layers) => shape?.Parameters(layers) ?? 0;

    /// <summary>Planning: the memory and time estimator for the base model on the planned target; null when running.</summary>
    public Planning.MemoryPlanner? Planner => shape?.Planner;

    public ModelState Base { get; }
    public ModelState Current { get; set; }

    /// <summary>A walk that runs the stages on the base model (pulled or built first when needed).</summary>
    public static StageWalk ForRun(RunContext run)
    {
        var model = BaseModels.Resolve(run);
        return new StageWalk(run, model, null);
    }

    /// <summary>A walk that plans the stages from config.json alone; the plan starts with the base model's row.</summary>
    public static StageWalk ForPlan(RunContext run)
    {
        var (model, shape, row) = BaseModels.Plan(run);
        var walk = new StageWalk(run, model, shape);
        walk.Ledger.Add(row);
        return walk;
    }

    /// <summary>Applies every stage of the pipeline in order.</summary>
    public StageWalk Walk()
    {
        var stages = Run.Config.Stages;
        for (int i = 0; i < stages.Count; i++)
        {
            Run.Cancellation.ThrowIfCancellationRequested();
            stageNumber = i + 1;
            Run.Progress.Stage(stageNumber, stages.Count);
            StageTypes.Of(stages[i]).Apply(stages[i], this);
        }
        return this;
    }

    /// <summary>The pipeline's finetune stage with this id (iterative pruning heals with it).</summary>
    public T Stage<T>(string id) where T : StageConfig => Run.Config.Stages.OfType<T>().Single(s => s.Id == id);

    /// <summary>
    /// One cached step. Running: reuses its output folder or produces it, and records time and peak memory; returns the folder.
    /// Planning: records the row it would be (with <paramref name="layers"/> after it and <paramref name="estimate"/>'s peak
    /// memory and time) and returns null.
    /// </summary>
    public string? Step(string id, string type, string? key, int layers, Func<string> note, Action<string> produce,
                        Func<Planning.MemoryPlanner, Planning.StageEstimate>? estimate = null)
    {
        if (shape is not null)
        {
            long parameters = shape.Parameters(layers);
            Ledger.Add(new PlanRow(id, type, key is not null && Run.Cache.Contains(key), layers, parameters,
                parameters * shape.BytesPerParameter, note()) { Key = key, Estimate = estimate?.Invoke(shape.Planner) });
            return null;
        }
        ArgumentNullException.ThrowIfNull(key);
        var clock = Stopwatch.StartNew();
        ProcessMemory.ResetPeak();
        bool cached = Run.Cache.Contains(key);
        string of = stageNumber > 0 ? $" {stageNumber} of {Run.Config.Stages.Count}" : "";
        Run.Progress.Message(cached ? $"stage{of} {id} ({type}): cached, skipped" : $"stage{of} {id} ({type}): started");
        var meta = new JsonObject { ["id"] = id, ["type"] = type, ["tool_version"] = ToolInfo.Version };
        var (folder, _) = Run.Cache.GetOrRun(key, meta, produce);
        long peak = cached ? 0 : ProcessMemory.PeakBytes();
        Ledger.Add(new StageRecord(id, type, key, cached, clock.Elapsed.TotalSeconds, peak, folder));
        if (!cached) Run.Progress.Message($"stage{of} {id} ({type}): done in {clock.Elapsed.TotalSeconds:F1} s");
        return folder;
    }
}

/// <summary>What a plan knows of the base model's size: parameters in total and per decoder layer, bytes per parameter.</summary>
internal sealed record PlanShape(int Layers, long Total, long PerLayer, int BytesPerParameter, bool DemoPending,
                                 Planning.MemoryPlanner Planner)
{
    public long Parameters(int layers) => Total - (Layers - layers) * PerLayer;
}
