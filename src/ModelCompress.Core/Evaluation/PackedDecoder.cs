using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// Runs a <see cref="LlamaForCausalLM"/>'s decoder on packed rows: each token has an explicit position and an explicit set
/// of tokens it may attend to. This lets one row hold a question's context once followed by all its choices, each choice
/// seeing the context and itself but not the other choices, with the same positions (and so, with rotary embeddings, the
/// same result) as scoring each choice after its own copy of the context. Uses only the model's public modules.
/// </summary>
public sealed class PackedDecoder
{
    private readonly LlamaForCausalLM model;
    private readonly RotaryEmbedding rotary;

    public PackedDecoder(LlamaForCausalLM model)
    {
        this.model = model;
        rotary = new RotaryEmbedding(model.Config);
    }

    /// <summary>
    /// ids (B, T) int64, positions (B, T) int64, allowed (B, T, T) bool (query row, key column; every row must allow at
    /// least itself) -> final normalized hidden states (B, T, hidden) in the model's dtype.
    /// </summary>
    public Tensor Hidden(Tensor ids, Tensor positions, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        long b = ids.shape[0], t = ids.shape[1];
        var h = model.Model.Embedding.call(ids);                                        // (B, T, hidden)
        long maxPosition = positions.max().item<long>() + 1;
        var (cos, sin) = rotary.Table(0, maxPosition, h.device, h.dtype);              // (P, D)
        long d = cos.shape[1];
        var flat = positions.reshape(-1);
        cos = cos.index_select(0, flat).view(b, 1, t, d);                              // (B, 1, T, D)
        sin = sin.index_select(0, flat).view(b, 1, t, d);                              // (B, 1, T, D)
        // 0-dim tensors rather than a Scalar fill value: a temporary Scalar passed to masked_fill was seen to fail
        // intermittently ("toFloat") in long runs, consistent with its native handle being finalized during the call.
        var open = tensor(0f).to(h.dtype, h.device);
        var closed = tensor(float.NegativeInfinity).to(h.dtype, h.device);
        var additive = where(allowed.unsqueeze(1), open, closed);                     // (B, 1, T, T)
        var mask = new AttentionMask(additive, false);
        h = model.Model.RunLayers(h, 0, model.Model.Layers.Count, cos, sin, mask);
        return model.Model.FinalNorm(h).MoveToOuterDisposeScope();
    }
}
