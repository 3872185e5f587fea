using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>The decoder stack (Hugging Face's <c>model.</c> prefix): embedding, layers, final norm.</summary>
public sealed class LlamaModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private TokenEmbedding embedding;
    [ComponentName(Name = "layers")] private ModuleList<DecoderLayer> layers;
    [ComponentName(Name = "norm")] private RmsNorm norm;
    private readonly RotaryEmbedding rotary;

    public LlamaModel(TokenEmbedding embedding, IEnumerable<DecoderLayer> layers, RmsNorm norm, RotaryEmbedding rotary)
        : base(nameof(LlamaModel))
    {
        this.embedding = embedding;
        this.layers = new ModuleList<DecoderLayer>(layers.ToArray());
        this.norm = norm;
        this.rotary = rotary;
        RegisterComponents();
    }

    public TokenEmbedding Embedding => embedding;
    public IReadOnlyList<DecoderLayer> Layers => layers.AsReadOnly();
    /// <summary>The final RMSNorm (applied after the last layer).</summary>
    public RmsNorm Norm => norm;
    public RotaryEmbedding Rotary => rotary;

    /// <summary>
    /// ids (B, T) -> normalized hidden states (B, T, hidden). With a cache, positions continue after the cached ones.
    /// When <paramref name="layerInputs"/> is given, it receives each layer's input and, last, the final pre-norm state
    /// (detached; the caller disposes them).
    /// </summary>
    public Tensor forward(Tensor ids, KvCache? cache = null, List<Tensor>? layerInputs = null)
    {
        using var scope = NewDisposeScope();
        long t = ids.shape[1];
        long past = cache?.Length ?? 0;
        var h = embedding.call(ids); // (B, T, hidden)
        var (cos, sin) = rotary.Table(past, t, h.device, h.dtype);
        var mask = CausalMask(t, past, h.device, h.dtype);
        return RunLayers(h, cos, sin, mask, cache, layerInputs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A left-padded batch: ids (B, T), each token's position (B, T) int64, and which of the cached and new keys are real
    /// tokens (B, S) bool with S = cached + T. Each row attends causally to its real tokens only, so a padded row's logits are
    /// those it has alone; a padding query attends to itself (its output is never read, but stays finite).
    /// </summary>
    public Tensor forward(Tensor ids, KvCache cache, Tensor positions, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        long t = ids.shape[1], past = cache.Length;
        var h = embedding.call(ids); // (B, T, hidden)
        var (cos, sin) = rotary.Table(positions, h.dtype);
        var causal = ones(t, past + t, ScalarType.Bool, h.device).tril(past);                              // (T, S)
        var self = cat([zeros(t, past, ScalarType.Bool, h.device), eye(t, dtype: ScalarType.Bool, device: h.device)], 1); // (T, S)
        var allowed = causal.unsqueeze(0).logical_and(keyMask.unsqueeze(1)).logical_or(self.unsqueeze(0)).unsqueeze(1); // (B, 1, T, S)
        var additive = where(allowed, zeros(1, dtype: h.dtype, device: h.device),
            full(1, double.NegativeInfinity, dtype: h.dtype, device: h.device));
        return RunLayers(h, cos, sin, new AttentionMask(additive, false), cache, null).MoveToOuterDisposeScope();
    }

    private Tensor RunLayers(Tensor h, Tensor cos, Tensor sin, AttentionMask mask, KvCache? cache, List<Tensor>? layerInputs)
    {
        long t = h.shape[1];
        for (int i = 0; i < layers.Count; i++)
        {
            layerInputs?.Add(h.detach().clone().DetachFromDisposeScope());
            h = layers[i].forward(h, cos, sin, mask, cache, i);
        }
        layerInputs?.Add(h.detach().clone().DetachFromDisposeScope());
        cache?.Advance(t);
        return norm.call(h);
    }

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
