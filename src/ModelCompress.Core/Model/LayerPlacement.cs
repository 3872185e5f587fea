using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Chooses where a model of a config is placed (a run's compute devices, balanced for what it does).</summary>
public delegate LayerPlacement PlacementRule(LlamaConfig config);

/// <summary>
/// A pipeline of layers over several devices: the embedding on the first slot, decoder layer i on slot
/// <see cref="LayerSlots"/>[i] (consecutive layers share a slot), final norm and lm_head on the last slot. A slot is a position
/// in <c>compute.devices</c>, so one device may fill several slots: repeated <c>cpu</c> slots take the same boundary transfers
/// (<see cref="Transfer"/>, a real copy) as several GPUs, which is how the placement is tested without them. Public forward
/// methods take their input on the first slot and return their output there, as Accelerate's dispatched models do.
/// </summary>
public sealed class LayerPlacement
{
    public LayerPlacement(IReadOnlyList<Device> devices, IReadOnlyList<int> layerSlots)
    {
        if (devices.Count == 0) throw new ArgumentException("a placement needs at least one device", nameof(devices));
        for (int i = 0; i < layerSlots.Count; i++)
            if (layerSlots[i] < 0 || layerSlots[i] >= devices.Count || (i > 0 && layerSlots[i] < layerSlots[i - 1]))
                throw new ArgumentException($"layer {i}: slot {layerSlots[i]} is not a non-decreasing slot of {devices.Count}",
                    nameof(layerSlots));
        Devices = devices;
        LayerSlots = layerSlots;
    }

    /// <summary>The devices, one per slot, in pipeline order (a device may repeat).</summary>
    public IReadOnlyList<Device> Devices { get; }

    /// <summary>For each decoder layer, the slot that holds it.</summary>
    public IReadOnlyList<int> LayerSlots { get; }

    /// <summary>Number of slots.</summary>
    public int Count => Devices.Count;

    /// <summary>The slot of the embedding (and of every public input and output).</summary>
    public Device First => Devices[0];

    /// <summary>The slot of the final norm and lm_head.</summary>
    public Device Last => Devices[^1];

    /// <summary>The device of decoder layer <paramref name="layer"/>.</summary>
    public Device LayerDevice(int layer) => Devices[LayerSlots[layer]];

    /// <summary>Decoder layers per slot.</summary>
    public IReadOnlyList<int> LayersPerSlot => [.. Enumerable.Range(0, Count).Select(s => LayerSlots.Count(l => l == s))];

    /// <summary>Everything on one device: today's single-device model.</summary>
    public static LayerPlacement Single(Device device, int layers) => new([device], new int[layers]);

    /// <summary>
    /// Splits <paramref name="layerCosts"/>.Length consecutive layers over <paramref name="devices"/> so that the largest slot
    /// total (its layers' costs, plus <paramref name="firstCost"/> on the first slot and <paramref name="lastCost"/> on the last)
    /// is as small as possible; every slot gets at least one layer. Costs are in any unit (the plan uses bytes).
    /// </summary>
    public static LayerPlacement Balance(IReadOnlyList<Device> devices, IReadOnlyList<long> layerCosts, long firstCost, long lastCost)
    {
        int d = devices.Count, n = layerCosts.Count;
        if (d == 1) return Single(devices[0], n);
        if (n < d)
            throw new InvalidInputException($"compute.devices lists {d} devices but the model has {n} decoder layers; " +
                                            $"list at most {n} (every device holds at least one layer).");
        var prefix = new long[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + layerCosts[i];
        long Load(int slot, int from, int to) =>
            prefix[to] - prefix[from] + (slot == 0 ? firstCost : 0) + (slot == d - 1 ? lastCost : 0);
        // best[s, j]: the smallest largest load with layers 0..j-1 on slots 0..s; cut[s, j]: where slot s starts.
        var best = new long[d, n + 1];
        var cut = new int[d, n + 1];
        for (int j = 1; j <= n; j++) best[0, j] = Load(0, 0, j);
        for (int s = 1; s < d; s++)
            for (int j = s + 1; j <= n; j++)
            {
                best[s, j] = long.MaxValue;
                for (int k = s; k < j; k++)
                {
                    long worst = Math.Max(best[s - 1, k], Load(s, k, j));
                    if (worst < best[s, j]) (best[s, j], cut[s, j]) = (worst, k);
                }
            }
        var slots = new int[n];
        for (int s = d - 1, end = n; s >= 0; s--)
        {
            int start = s == 0 ? 0 : cut[s, end];
            for (int i = start; i < end; i++) slots[i] = s;
            end = start;
        }
        return new LayerPlacement(devices, slots);
    }

    /// <summary>A tensor moved to a slot's device across a boundary: always a new tensor (a copy even to the same device),
    /// differentiable, so gradients flow back across it.</summary>
    public static Tensor Transfer(Tensor tensor, Device device) => tensor.to(device, copy: true);

    /// <summary>"cuda:0 layers 0-15 | cuda:1 layers 16-31" (embedding on the first, norm and lm_head on the last).</summary>
    public string Describe() => string.Join(" | ", Enumerable.Range(0, Count).Select(s =>
    {
        var mine = Enumerable.Range(0, LayerSlots.Count).Where(l => LayerSlots[l] == s).ToList();
        string layers = mine.Count == 0 ? "no layers" : mine.Count == 1 ? $"layer {mine[0]}" : $"layers {mine[0]}-{mine[^1]}";
        return $"{Devices[s]} {layers}";
    }));
}
