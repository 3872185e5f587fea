using ModelCompress.Core.Planning;

namespace ModelCompress.Core.Pipeline;

/// <summary>A pipeline's plan: the steps, the target they are planned for, the verdict and the assumptions behind the figures.</summary>
public sealed record PipelinePlan(IReadOnlyList<PlanRow> Steps, PlanTarget Target, PlanVerdict Verdict, IReadOnlyList<string> Assumptions);

/// <summary>
/// <c>dotnet compress plan</c>: the stages in order with their cache keys and status, layers, parameters and weight memory
/// before and after pruning, and per stage the peak memory and time on the target device — from config.json alone (the model
/// is built on the meta device, no weight is read, the target device is never opened: a CUDA plan runs on a CPU machine).
/// The same stage code as a run computes every key (<see cref="StageWalk"/>).
/// </summary>
public static class PipelinePlanner
{
    public static IReadOnlyList<PlanRow> Plan(Config.PipelineConfig config, RunOptions options) => Full(config, options).Steps;

    /// <summary>The plan with its target, verdict and assumptions; <paramref name="meminfo"/> reads /proc/meminfo (tests pass
    /// one).</summary>
    public static PipelinePlan Full(Config.PipelineConfig config, RunOptions options, Func<string?>? meminfo = null)
    {
        var c = config.Compute;
        var choice = new ComputeChoice(c.Device, c.Dtype, c.Threads, c.Gpu, c.Tflops)
        {
            Devices = c.Devices, MemoryLimit = MemorySize.Limit(c.MemoryLimit, options.Environment),
        };
        var target = PlanTarget.Resolve(choice, meminfo ?? PlanTarget.ReadMeminfo, () => TorchSharp.torch.cuda.is_available());
        var run = new RunContext(config, options, target);
        var steps = StageWalk.ForPlan(run).Walk().Ledger.Plan;
        target = run.PlanTarget!; // the dtype may have been fitted to the base model (RunContext.FitDType)
        var verdict = PlanVerdict.Of([.. steps.Where(s => s.Estimate is not null).Select(s => (s.Id, s.Estimate!))], target);
        return new PipelinePlan(steps, target, verdict, PlanAssumptions.For(target));
    }
}
