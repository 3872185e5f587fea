using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>How attention is masked in one forward pass: causal (no cache), an explicit additive mask, or none (one token).</summary>
public readonly record struct AttentionMask(Tensor? Mask, bool IsCausal);

/// <summary>
/// Grouped-query self-attention with rotary positions. Receives its projections from the builder (plain or LoRA linears).
/// </summary>
public sealed class Attention : nn.Module
{
    [ComponentName(Name = "q_proj")] private nn.Module<Tensor, Tensor> q;
    [ComponentName(Name = "k_proj")] private nn.Module<Tensor, Tensor> k;
    [ComponentName(Name = "v_proj")] private nn.Module<Tensor, Tensor> v;
    [ComponentName(Name = "o_proj")] private nn.Module<Tensor, Tensor> o;
    private readonly int heads, kvHeads, headDim;

    public Attention(LlamaConfig config, nn.Module<Tensor, Tensor> qProj, nn.Module<Tensor, Tensor> kProj,
                     nn.Module<Tensor, Tensor> vProj, nn.Module<Tensor, Tensor> oProj) : base(nameof(Attention))
    {
        (q, k, v, o) = (qProj, kProj, vProj, oProj);
        (heads, kvHeads, headDim) = (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim);
        RegisterComponents();
    }

    /// <summary>x (B, T, hidden) -> (B, T, hidden). With a cache, this step's keys/values are appended to it.</summary>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, AttentionMask mask, KvCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var query = q.call(x).view(b, t, heads, headDim).transpose(1, 2);   // (B, H, T, D)
        var key = k.call(x).view(b, t, kvHeads, headDim).transpose(1, 2);   // (B, Hkv, T, D)
        var value = v.call(x).view(b, t, kvHeads, headDim).transpose(1, 2); // (B, Hkv, T, D)
        query = RotaryEmbedding.Apply(query, cos, sin);
        key = RotaryEmbedding.Apply(key, cos, sin);
        if (cache is not null) (key, value) = cache.Append(layer, key, value); // (B, Hkv, S, D)
        if (kvHeads != heads)
        {
            // Query head h reads kv head h / (H / Hkv), as Hugging Face's repeat_kv.
            key = key.repeat_interleave(heads / kvHeads, dim: 1);     // (B, H, S, D)
            value = value.repeat_interleave(heads / kvHeads, dim: 1); // (B, H, S, D)
        }
        var y = nn.functional.scaled_dot_product_attention(query, key, value, mask.Mask, 0.0, mask.IsCausal); // (B, H, T, D)
        y = y.transpose(1, 2).reshape(b, t, heads * headDim);                                                  // (B, T, H*D)
        return o.call(y).MoveToOuterDisposeScope();
    }
}
