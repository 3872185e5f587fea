namespace ModelCompress.Core.Planning;

/// <summary>
/// Peak memory of one stage on the target, by what holds it (bytes). <see cref="BestCopy"/> is the trainer's copy of the best
/// trained weights, kept in host memory: it counts on a CPU target only. <see cref="StepTemporaries"/> are the optimizer
/// step's scratch tensors: activations and logits are freed by then, so the larger of the two counts.
/// </summary>
public sealed record MemoryEstimate(
    long Weights, long Gradients, long Optimizer, long Activations, long Logits, long Cache, long Teacher, long Runtime, long BestCopy,
    long StepTemporaries = 0)
{
    /// <summary>Peak bytes on a CPU target (everything is host memory).</summary>
    public long HostTotal => Weights + Gradients + Optimizer + Math.Max(Activations + Logits, StepTemporaries) + Cache + Teacher
                             + Runtime + BestCopy;

    /// <summary>Peak bytes on a GPU target (the best copy lives in host memory).</summary>
    public long DeviceTotal => HostTotal - BestCopy;
}

/// <summary>
/// One stage's plan on the target: its peak memory (<see cref="PeakBytes"/>: the device total on a GPU, the host total on a CPU),
/// its FLOPs and time, whether it holds one layer at a time (streams), and how the figures were made (<see cref="Formula"/>).
/// </summary>
public sealed record StageEstimate(MemoryEstimate Memory, long PeakBytes, double Flops, double Seconds, bool Streams, string Formula)
{
    /// <summary>The memory per device when the target has several (<c>compute.devices</c>); null on one device. On GPUs
    /// <see cref="PeakBytes"/> is then the largest device's peak.</summary>
    public DeviceSplit? Split { get; init; }

    /// <summary>The same stage split over other devices (the verdict tries 2, 3, … GPUs); null for streaming stages.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Func<IReadOnlyList<TorchSharp.torch.Device>, DeviceSplit>? SplitOn { get; init; }

    /// <summary>The estimate of <paramref name="memory"/> and <paramref name="flops"/> on <paramref name="target"/>.</summary>
    public static StageEstimate On(PlanTarget target, MemoryEstimate memory, double flops, bool streams, string formula) =>
        new(memory, target.IsGpu ? memory.DeviceTotal : memory.HostTotal, flops, flops / (target.Tflops * 1e12), streams, formula);
}
