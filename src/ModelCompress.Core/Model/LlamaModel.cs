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
        for (int i = 0; i < layers.Count; i++)
        {
            layerInputs?.Add(h.detach().clone().DetachFromDisposeScope());
            h = layers[i].forward(h, cos, sin, mask, cache, i);
        }
        layerInputs?.Add(h.detach().clone().DetachFromDisposeScope());
        cache?.Advance(t);
        return norm.call(h).MoveToOuterDisposeScope();
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
