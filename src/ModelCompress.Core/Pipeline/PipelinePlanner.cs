namespace ModelCompress.Core.Pipeline;

/// <summary>
/// <c>dotnet compress plan</c>: the stages in order with their cache keys and status, layers, parameters and weight memory
/// before and after pruning, and a rough training-compute estimate — from config.json alone (the model is built on the meta
/// device, no weight is read). The same stage code as a run computes every key (<see cref="StageWalk"/>).
/// </summary>
public static class PipelinePlanner
{
    public static IReadOnlyList<PlanRow> Plan(Config.PipelineConfig config, RunOptions options) =>
        StageWalk.ForPlan(new RunContext(config, options)).Walk().Ledger.Plan;
}
