using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Repair;

/// <summary>
/// A decoder layer's forward split at its MLP: <c>Y = x + attn(norm(x))</c> (the residual stream after attention) and
/// <c>M = mlp(norm(Y))</c> (the MLP output), so the layer's output is <c>Y + M</c>. Linear repair maps M alone.
/// </summary>
internal static class LayerParts
{
    /// <summary>x (B, T, hidden) -> Y and M, each (B, T, hidden).</summary>
    public static (Tensor Y, Tensor M) Split(DecoderLayer layer, RotaryEmbedding rotary, Tensor x, int index)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = layer.named_children().ToDictionary(c => c.name, c => c.module);
        var attention = (Attention)parts["self_attn"];
        var mlp = (nn.Module<Tensor, Tensor>)parts["mlp"];
        var inputNorm = (nn.Module<Tensor, Tensor>)parts["input_layernorm"];
        var postNorm = (nn.Module<Tensor, Tensor>)parts["post_attention_layernorm"];
        var (cos, sin) = rotary.Table(0, x.shape[1], x.device, x.dtype);
        var y = x + attention.forward(inputNorm.call(x), cos, sin, new AttentionMask(null, IsCausal: x.shape[1] > 1), null, index);
        var m = mlp.call(postNorm.call(y));
        return (y.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }
}
