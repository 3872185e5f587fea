namespace ModelCompress.Core.Planning;

/// <summary>
/// Whether a pipeline fits its target: <see cref="Devices"/> is how many of the target's devices the largest stage needs with
/// its decoder layers split across them (1: fits on one); <see cref="Streaming"/> names stages that hold one layer at a time.
/// </summary>
public sealed record PlanVerdict(int Devices, long PeakBytes, string PeakStage, IReadOnlyList<string> Streaming, string Text)
{
    /// <summary>The verdict over the stages' estimates (id, estimate) on <paramref name="target"/>.</summary>
    public static PlanVerdict Of(IReadOnlyList<(string Id, StageEstimate Estimate)> stages, PlanTarget target)
    {
        var streaming = stages.Where(s => s.Estimate.Streams).Select(s => s.Id).ToList();
        if (stages.Count == 0) return new PlanVerdict(1, 0, "", streaming, "nothing to run");
        var (id, peak) = stages.Select(s => (s.Id, s.Estimate.PeakBytes)).MaxBy(s => s.PeakBytes);
        string memory = target.IsGpu ? $"one {target.Name} ({Gib(target.MemoryBytes)})" : $"{Gib(target.MemoryBytes)} of available RAM";
        string streams = streaming.Count == 0 ? "" : $"; streams layers in {string.Join(", ", streaming)}";
        if (target.MemoryBytes <= 0) return new PlanVerdict(1, peak, id, streaming, $"peak {Gib(peak)} in {id}; memory unknown{streams}");
        if (peak <= target.MemoryBytes)
            return new PlanVerdict(1, peak, id, streaming, $"fits on {memory}: peak {Gib(peak)} in {id}{streams}");
        // Splitting layers across devices: each device holds its share plus its own runtime.
        long usable = target.MemoryBytes - target.RuntimeBytes;
        int devices = usable <= 0 ? int.MaxValue : (int)Math.Ceiling((double)(peak - target.RuntimeBytes) / usable);
        string text = target.IsGpu
            ? $"needs {devices} x {target.Name} (decoder layers split across them): peak {Gib(peak)} in {id}{streams}"
            : $"does not fit in {memory}: peak {Gib(peak)} in {id}{streams}";
        return new PlanVerdict(devices, peak, id, streaming, text);
    }

    /// <summary>Bytes as GiB with two decimals.</summary>
    public static string Gib(long bytes) => $"{bytes / (double)(1L << 30):F2} GiB";
}
