using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// The rotary tables and attention mask of one forward pass, made on the first slot and moved to each other slot once, the
/// first time a layer there needs them, then reused by that slot's layers.
/// </summary>
internal sealed class SlotTables(LayerPlacement placement, Tensor cos, Tensor sin, AttentionMask mask)
{
    private readonly Dictionary<int, (Tensor Cos, Tensor Sin, AttentionMask Mask)> moved = new() { [0] = (cos, sin, mask) };

    /// <summary>The tables on slot <paramref name="slot"/>'s device (tensors in the caller's dispose scope).</summary>
    public (Tensor Cos, Tensor Sin, AttentionMask Mask) For(int slot)
    {
        if (moved.TryGetValue(slot, out var tables)) return tables;
        var device = placement.Devices[slot];
        var m = mask.Mask is null ? mask : mask with { Mask = LayerPlacement.Transfer(mask.Mask, device) };
        return moved[slot] = (LayerPlacement.Transfer(cos, device), LayerPlacement.Transfer(sin, device), m);
    }
}
