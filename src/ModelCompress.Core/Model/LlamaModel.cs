using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// The decoder stack (Hugging Face's <c>model.</c> prefix): embedding, layers, final norm, placed by <see cref="Placement"/>
/// (one device, or consecutive layers over several). Every public method takes its input on the first slot and returns there.
/// </summary>
public sealed class LlamaModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private TokenEmbedding embedding;
    [ComponentName(Name = "layers")] private ModuleList<DecoderLayer> layers;
    [ComponentName(Name = "norm")] private RmsNorm norm;
    private readonly RotaryEmbedding rotary;

    public LlamaModel(TokenEmbedding embedding, IEnumerable<DecoderLayer> layers, RmsNorm norm, RotaryEmbedding rotary,
                      LayerPlacement? placement = null) : base(nameof(LlamaModel))
    {
        this.embedding = embedding;
        this.layers = new ModuleList<DecoderLayer>(layers.ToArray());
        this.norm = norm;
        this.rotary = rotary;
        Placement = placement ?? LayerPlacement.Single(embedding.Weight.device, this.layers.Count);
        if (Placement.LayerSlots.Count != this.layers.Count)
            throw new ArgumentException($"the placement has {Placement.LayerSlots.Count} layers, the model {this.layers.Count}",
                nameof(placement));
        RegisterComponents();
    }

    public TokenEmbedding Embedding => embedding;
    public IReadOnlyList<DecoderLayer> Layers => layers.AsReadOnly();
    /// <summary>The final RMSNorm (applied after the last layer), on the last slot.</summary>
    public RmsNorm Norm => norm;
    public RotaryEmbedding Rotary => rotary;

    /// <summary>Which device holds which part.</summary>
    public LayerPlacement Placement { get; }

    /// <summary>
    /// ids (B, T) -> normalized hidden states (B, T, hidden). With a cache, positions continue after the cached ones.
    /// When <paramref name="layerInputs"/> is given, it receives each layer's input and, last, the final pre-norm state
    /// (detached copies on the first slot; the caller disposes them).
    /// </summary>
    public Tensor forward(Tensor ids, KvCache? cache = null, List<Tensor>? layerInputs = null)
    {
        using var scope = NewDisposeScope();
        return Home(Normalized(ids, cache, layerInputs), Placement.Count - 1).MoveToOuterDisposeScope();
    }

    /// <summary>The normalized hidden states on the last slot (where lm_head is).</summary>
    internal Tensor Normalized(Tensor ids, KvCache? cache, List<Tensor>? layerInputs)
    {
        using var scope = NewDisposeScope();
        long t = ids.shape[1];
        long past = cache?.Length ?? 0;
        var h = embedding.call(ids); // (B, T, hidden)
        var (cos, sin) = rotary.Table(past, t, h.device, h.dtype);
        var tables = new SlotTables(Placement, cos, sin, CausalMask(t, past, h.device, h.dtype));
        int slot = 0;
        h = Run(h, 0, layers.Count, tables, cache, layerInputs, ref slot);
        layerInputs?.Add(Copy(h, Placement.First));
        cache?.Advance(t);
        return norm.call(Move(h, ref slot, Placement.Count - 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A left-padded batch: ids (B, T), each token's position (B, T) int64, and which of the cached and new keys are real
    /// tokens (B, S) bool with S = cached + T. Each row attends causally to its real tokens only, so a padded row's logits are
    /// those it has alone; a padding query attends to itself (its output is never read, but stays finite). Returns the
    /// normalized hidden states (B, T, hidden) on the first slot.
    /// </summary>
    public Tensor forward(Tensor ids, KvCache cache, Tensor positions, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        return Home(PaddedNormalized(ids, cache, positions, keyMask), Placement.Count - 1).MoveToOuterDisposeScope();
    }

    /// <summary>The left-padded batch's normalized hidden states on the last slot (where lm_head is).</summary>
    internal Tensor PaddedNormalized(Tensor ids, KvCache cache, Tensor positions, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        long t = ids.shape[1], past = cache.Length;
        var h = embedding.call(ids); // (B, T, hidden)
        var (cos, sin) = rotary.Table(positions, h.dtype);
        var causal = ones(t, past + t, ScalarType.Bool, h.device).tril(past);                              // (T, S)
        var self = cat([zeros(t, past, ScalarType.Bool, h.device), eye(t, dtype: ScalarType.Bool, device: h.device)], 1); // (T, S)
        var allowed = causal.unsqueeze(0).logical_and(keyMask.unsqueeze(1)).logical_or(self.unsqueeze(0)).unsqueeze(1); // (B,1,T,S)
        var additive = where(allowed, zeros(1, dtype: h.dtype, device: h.device),
            full(1, double.NegativeInfinity, dtype: h.dtype, device: h.device));
        int slot = 0;
        h = Run(h, 0, layers.Count, new SlotTables(Placement, cos, sin, new AttentionMask(additive, false)), cache, null, ref slot);
        cache.Advance(t);
        return norm.call(Move(h, ref slot, Placement.Count - 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Layers [<paramref name="from"/>, <paramref name="to"/>) on h (B, T, hidden) with the given rotary tables and mask (all on
    /// the first slot; no cache); the result is on the first slot.
    /// </summary>
    public Tensor RunLayers(Tensor h, int from, int to, Tensor cos, Tensor sin, AttentionMask mask)
    {
        using var scope = NewDisposeScope();
        int slot = 0;
        h = Run(h, from, to, new SlotTables(Placement, cos, sin, mask), null, null, ref slot);
        return Home(h, slot).MoveToOuterDisposeScope();
    }

    /// <summary>Layers [<paramref name="from"/>, <paramref name="to"/>) on h (B, T, hidden) at positions 0..T-1, causal.</summary>
    public Tensor RunLayers(Tensor h, int from, int to)
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = rotary.Table(0, h.shape[1], h.device, h.dtype);
        return RunLayers(h, from, to, cos, sin, new AttentionMask(null, IsCausal: h.shape[1] > 1)).MoveToOuterDisposeScope();
    }

    /// <summary>The final norm of pre-norm states (B, T, hidden) given and returned on the first slot.</summary>
    public Tensor FinalNorm(Tensor h)
    {
        using var scope = NewDisposeScope();
        int slot = 0;
        var normed = norm.call(Move(h, ref slot, Placement.Count - 1));
        return Home(normed, slot).MoveToOuterDisposeScope();
    }

    // Runs layers from..to-1, moving h across each slot boundary; `slot` is where h is, before and after.
    private Tensor Run(Tensor h, int from, int to, SlotTables tables, KvCache? cache, List<Tensor>? layerInputs, ref int slot)
    {
        for (int i = from; i < to; i++)
        {
            h = Move(h, ref slot, Placement.LayerSlots[i]);
            layerInputs?.Add(Copy(h, Placement.First));
            var (cos, sin, mask) = tables.For(slot);
            h = layers[i].forward(h, cos, sin, mask, cache, i);
        }
        return h;
    }

    private Tensor Move(Tensor h, ref int slot, int to)
    {
        if (slot == to) return h;
        slot = to;
        return LayerPlacement.Transfer(h, Placement.Devices[to]);
    }

    /// <summary>A tensor on slot <paramref name="slot"/> moved to the first slot (unchanged when it is there).</summary>
    internal Tensor Home(Tensor t, int slot) => slot == 0 ? t : LayerPlacement.Transfer(t, Placement.First);

    private static Tensor Copy(Tensor h, Device device) => h.detach().to(device, copy: true).DetachFromDisposeScope();

    // Without a cache SDPA's own causal flag suffices; after a cached prefix, row i may see columns 0..past+i.
    internal static AttentionMask CausalMask(long t, long past, Device device, ScalarType dtype)
    {
        if (past == 0) return new AttentionMask(null, IsCausal: t > 1);
        if (t == 1) return new AttentionMask(null, false);
        var allowed = ones(t, past + t, ScalarType.Bool, device).tril(past);                 // (T, S)
        // where() on tensors, not masked_fill with a temporary -inf Scalar (seen failing intermittently in long runs).
        var additive = where(allowed, zeros(t, past + t, dtype, device), full(t, past + t, double.NegativeInfinity, dtype, device));
        return new AttentionMask(additive, false);
    }
}
