using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Pre-norm decoder block: h = x + attn(norm(x)); out = h + mlp(norm(h)).</summary>
public sealed class DecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")] private Attention attention;
    [ComponentName(Name = "mlp")] private Mlp mlp;
    [ComponentName(Name = "input_layernorm")] private RmsNorm inputNorm;
    [ComponentName(Name = "post_attention_layernorm")] private RmsNorm postAttentionNorm;

    public DecoderLayer(Attention attention, Mlp mlp, RmsNorm inputNorm, RmsNorm postAttentionNorm) : base(nameof(DecoderLayer))
    {
        (this.attention, this.mlp, this.inputNorm, this.postAttentionNorm) = (attention, mlp, inputNorm, postAttentionNorm);
        RegisterComponents();
    }

    /// <summary>x (B, T, hidden) -> (B, T, hidden).</summary>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, AttentionMask mask, KvCache? cache, int layer)
    {
        using var scope = NewDisposeScope();
        var h = x + attention.forward(inputNorm.call(x), cos, sin, mask, cache, layer);
        return (h + mlp.call(postAttentionNorm.call(h))).MoveToOuterDisposeScope();
    }
}
