using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Planning;

/// <summary>
/// One stage's memory on each device of a pipeline of layers (<see cref="DevicePlacement"/> decides which layers go where):
/// per device its parameters and trained states, its layers' share of the activations (forward-only: one layer's working set on
/// every device), the logits on lm_head's device and on the first (where they are returned and the loss is taken), the
/// hidden-state cache on the first, and the runtime on each.
/// </summary>
public sealed record DeviceSplit(string Placement, IReadOnlyList<string> Devices, IReadOnlyList<int> Layers, IReadOnlyList<long> PeakBytes)
{
    /// <summary>The largest device's peak.</summary>
    public long MaxBytes => PeakBytes.Max();

    /// <summary>"cuda:0 layers 0-15 (12.30 GiB) | cuda:1 …".</summary>
    public string Text => string.Join(" | ", Placement.Split(" | ").Select((p, i) => $"{p} ({PlanVerdict.Gib(PeakBytes[i])})"));
}

public sealed partial class MemoryPlanner
{
    // Adds the split over the target's devices (and the means to split over others, for the verdict) to a whole-model estimate.
    private StageEstimate Placed(StageEstimate estimate, int layers, TrainingOptions? training)
    {
        if (estimate.Streams) return estimate;
        var withSplit = estimate with { SplitOn = devices => Split(devices, estimate.Memory, layers, training) };
        if (target.Devices.Count == 1) return withSplit;
        var split = Split(target.Devices, estimate.Memory, layers, training);
        // CPU slots share the host's memory: the whole still counts there.
        return withSplit with { Split = split, PeakBytes = target.IsGpu ? split.MaxBytes : estimate.PeakBytes };
    }

    /// <summary>The stage's memory per device when its model is placed on <paramref name="devices"/>.</summary>
    public DeviceSplit Split(IReadOnlyList<Device> devices, MemoryEstimate m, int layers, TrainingOptions? training)
    {
        bool partial = training?.Method == FineTuneMethod.Partial;
        var placedDims = partial ? dims with { Tied = false } : dims;
        var (costs, first, last) = DevicePlacement.Costs(placedDims, layers, S, training);
        var placement = LayerPlacement.Balance(devices, costs, first, last);
        // Layers whose activations are saved for backward (taylor keeps every layer's; forward-only keeps one at a time).
        bool everyLayer = training is not null || m.Gradients > 0;
        int k = partial ? Math.Min(training!.TrainableLayers, layers) : layers;
        int headSlot = placedDims.Tied ? 0 : devices.Count - 1;
        double scale = training is null && m.Gradients > 0 ? (m.Weights + m.Gradients) / (double)m.Weights : 1;
        var peaks = new long[devices.Count];
        for (int s = 0; s < devices.Count; s++)
        {
            var mine = Enumerable.Range(0, layers).Where(l => placement.LayerSlots[l] == s).ToList();
            long own = (long)(scale * (mine.Sum(l => costs[l]) + (s == 0 ? first : 0) + (s == devices.Count - 1 ? last : 0)));
            long activations = !everyLayer ? (mine.Count > 0 ? m.Activations : 0)
                : k == 0 ? 0 : m.Activations * mine.Count(l => l >= layers - k) / k;
            long logits = s == headSlot || s == 0 ? m.Logits : 0;
            peaks[s] = own + Math.Max(activations + logits, m.StepTemporaries) + (s == 0 ? m.Cache + m.Teacher : 0) + m.Runtime
                       + (!target.IsGpu && s == 0 ? m.BestCopy : 0);
        }
        return new DeviceSplit(placement.Describe(), [.. devices.Select(d => d.ToString())], placement.LayersPerSlot, peaks);
    }
}
