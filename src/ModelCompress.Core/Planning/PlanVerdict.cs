using static TorchSharp.torch;

namespace ModelCompress.Core.Planning;

/// <summary>
/// Whether a pipeline fits its target: <see cref="Devices"/> is how many of the target's devices the largest stage needs with
/// its decoder layers split across them (1: fits on one); <see cref="Streaming"/> names stages that hold one layer at a time;
/// <see cref="Placement"/> is the split that fits (devices and layers of the largest stage), when one is needed.
/// </summary>
public sealed record PlanVerdict(int Devices, long PeakBytes, string PeakStage, IReadOnlyList<string> Streaming, string Text)
{
    /// <summary>The largest stage's split over the devices it needs; null when one device is enough.</summary>
    public DeviceSplit? Placement { get; init; }

    /// <summary>The most GPUs the verdict tries when looking for a split that fits.</summary>
    public const int MaxDevices = 64;

    /// <summary>The verdict over the stages' estimates (id, estimate) on <paramref name="target"/>.</summary>
    public static PlanVerdict Of(IReadOnlyList<(string Id, StageEstimate Estimate)> stages, PlanTarget target)
    {
        var streaming = stages.Where(s => s.Estimate.Streams).Select(s => s.Id).ToList();
        if (stages.Count == 0) return new PlanVerdict(1, 0, "", streaming, "nothing to run");
        var (id, peak) = stages.Select(s => (s.Id, s.Estimate.PeakBytes)).MaxBy(s => s.PeakBytes);
        int count = target.Devices.Count;
        string memory = target.IsGpu ? count > 1 ? $"{count} x {target.Name} ({Gib(target.MemoryBytes)} each)" : $"one {target.Name} " +
            $"({Gib(target.MemoryBytes)})" : $"{Gib(target.MemoryBytes)} of available RAM";
        string streams = streaming.Count == 0 ? "" : $"; streams layers in {string.Join(", ", streaming)}";
        var split = stages.First(s => s.Id == id).Estimate.Split;
        string placed = split is null ? "" : $" ({split.Text})";
        string perDevice = target.IsGpu && count > 1 ? " per device" : "";
        if (target.MemoryBytes <= 0) return new PlanVerdict(1, peak, id, streaming, $"peak {Gib(peak)} in {id}; memory unknown{streams}");
        if (peak <= target.MemoryBytes)
            return new PlanVerdict(count, peak, id, streaming, $"fits on {memory}: peak {Gib(peak)}{perDevice} in {id}{placed}{streams}")
            {
                Placement = count > 1 ? split : null,
            };
        if (!target.IsGpu) return new PlanVerdict(1, peak, id, streaming, $"does not fit in {memory}: peak {Gib(peak)} in {id}{streams}");
        return Needs(stages, target, peak, id, streaming, streams);
    }

    // The fewest GPUs on which every stage's largest device fits, and how the largest stage is placed on them.
    private static PlanVerdict Needs(IReadOnlyList<(string Id, StageEstimate Estimate)> stages, PlanTarget target, long peak, string id,
                                     IReadOnlyList<string> streaming, string streams)
    {
        var splittable = stages.Where(s => s.Estimate.SplitOn is not null).ToList();
        if (splittable.Count == 0)
        {
            // Estimates made without a model's layers: an even split, each device with its own runtime.
            long usable = target.MemoryBytes - target.RuntimeBytes;
            int devices = usable <= 0 ? int.MaxValue : (int)Math.Ceiling((double)(peak - target.RuntimeBytes) / usable);
            return new PlanVerdict(devices, peak, id, streaming,
                $"needs {devices} x {target.Name} (decoder layers split across them): peak {Gib(peak)} in {id}{streams}");
        }
        for (int n = target.Devices.Count + 1; n <= MaxDevices && splittable.Count > 0; n++)
        {
            var devices = Enumerable.Range(0, n).Select(i => new Device(TorchSharp.DeviceType.CUDA, i)).ToList();
            List<(string Id, DeviceSplit Split)> splits;
            try { splits = [.. splittable.Select(s => (s.Id, s.Estimate.SplitOn!(devices)))]; }
            catch (InvalidInputException) { break; } // more devices than layers
            if (splits.Any(s => s.Split.MaxBytes > target.MemoryBytes)) continue;
            var worst = splits.MaxBy(s => s.Split.MaxBytes);
            string list = string.Join(", ", devices.Select(d => d.ToString()));
            return new PlanVerdict(n, peak, id, streaming,
                $"needs {n} x {target.Name} ({Gib(target.MemoryBytes)} each): peak {Gib(peak)} in {id} on " +
                $"{Count(target.Devices.Count)}; with compute.devices: [{list}] the largest device peaks at " +
                $"{Gib(worst.Split.MaxBytes)} in {worst.Id} " +
                $"({worst.Split.Text}){streams}") { Placement = worst.Split };
        }
        return new PlanVerdict(int.MaxValue, peak, id, streaming,
            $"does not fit on {target.Name} ({Gib(target.MemoryBytes)}) even split over up to {MaxDevices} devices: peak {Gib(peak)} " +
            $"in {id}{streams}");
    }

    private static string Count(int devices) => devices == 1 ? "one" : $"{devices}";

    /// <summary>Bytes as GiB with two decimals.</summary>
    public static string Gib(long bytes) => $"{bytes / (double)(1L << 30):F2} GiB";
}
