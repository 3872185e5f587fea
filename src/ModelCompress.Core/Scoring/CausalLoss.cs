using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>Next-token cross-entropy of logits (B, T, V) against ids (B, T), computed in float32.</summary>
public static class CausalLoss
{
    /// <summary>Summed negative log-likelihood of ids[:, 1:] given logits[:, :-1], and the number of predicted tokens.</summary>
    public static (Tensor Sum, long Count) Nll(Tensor logits, Tensor ids)
    {
        using var scope = NewDisposeScope();
        long t = ids.shape[1];
        var predicted = logits.narrow(1, 0, t - 1).to(ScalarType.Float32).reshape(-1, logits.shape[2]); // (B*(T-1), V)
        var targets = ids.narrow(1, 1, t - 1).reshape(-1);                                              // (B*(T-1))
        var sum = nn.functional.cross_entropy(predicted, targets, reduction: nn.Reduction.Sum);
        return (sum.MoveToOuterDisposeScope(), targets.shape[0]);
    }
}
