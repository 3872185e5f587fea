using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// Keys and values of every layer for the tokens seen so far, so generation runs each new token through the model once.
/// Owns its tensors (outside any dispose scope) until disposed.
/// </summary>
public sealed class KvCache(int layers) : IDisposable
{
    private readonly Tensor?[] keys = new Tensor?[layers];
    private readonly Tensor?[] values = new Tensor?[layers];

    /// <summary>Number of positions cached; advanced by the model after each forward pass.</summary>
    public long Length { get; private set; }

    /// <summary>Appends this step's k and v (B, Hkv, T, D) and returns the whole cached (B, Hkv, S, D) pair.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        keys[layer] = Concat(keys[layer], k);
        values[layer] = Concat(values[layer], v);
        return (keys[layer]!, values[layer]!);
    }

    /// <summary>Keeps only the batch rows <paramref name="rows"/> (int64 indices), in that order: finished rows leave a batch.</summary>
    public void KeepRows(Tensor rows)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = Select(keys[i], rows);
            values[i] = Select(values[i], rows);
        }
    }

    private static Tensor? Select(Tensor? all, Tensor rows)
    {
        if (all is null) return null;
        // Under a placement over several devices each layer's cache lives on that layer's device.
        using var here = rows.device_type == all.device_type && rows.device_index == all.device_index ? null : rows.to(all.device);
        var kept = all.index_select(0, here ?? rows).DetachFromDisposeScope();
        all.Dispose();
        return kept;
    }

    internal void Advance(long tokens) => Length += tokens;

    private static Tensor Concat(Tensor? past, Tensor step)
    {
        var all = past is null ? step.detach().clone() : cat([past, step.detach()], dim: 2);
        past?.Dispose();
        return all.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var t in keys.Concat(values)) t?.Dispose();
        Array.Clear(keys);
        Array.Clear(values);
    }
}
