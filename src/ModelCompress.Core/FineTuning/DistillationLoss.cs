using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// The distillation term, summed over positions (rows), in float32: <c>T² · Σ_v p(v) (log p(v) − log q(v))</c> with
/// p = softmax(teacher / T) and q = softmax(student / T) — forward KL from the teacher (Minitron, arXiv 2407.14679 §4), scaled
/// by T² (Hinton et al. 2015) so its gradients keep cross-entropy's scale across temperatures. The trainer divides the sum by
/// the batch's label tokens, as it does cross-entropy.
/// </summary>
/// <remarks>
/// The top-K form sees the teacher's K most likely tokens and one bucket for the rest of the vocabulary: the teacher's tail
/// mass (stored with the top K) against the student's mass outside the teacher's top K. That is the exact KL between the two
/// distributions coarsened to K + 1 outcomes: equal to the full KL when K is the vocabulary size, never more than it otherwise.
/// </remarks>
public static class DistillationLoss
{
    /// <summary>Stands for log 0 in float32: exp of it is exactly 0 and differences of it stay finite (no NaN in backward).</summary>
    public const float LogZero = -1e30f;

    /// <summary>Summed T²·KL over rows of student (N, V) and teacher (N, V) logits.</summary>
    public static Tensor SumFull(Tensor student, Tensor teacher, double temperature)
    {
        using var scope = NewDisposeScope();
        var logQ = nn.functional.log_softmax(student.to(ScalarType.Float32) / temperature, -1);   // (N, V)
        var logP = nn.functional.log_softmax(teacher.to(ScalarType.Float32) / temperature, -1);   // (N, V)
        var kl = (logP.exp() * (logP - logQ)).sum();
        return (kl * (temperature * temperature)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Summed T²·KL over rows of student logits (N, V) against the teacher's top-K: <paramref name="indices"/> (N, K) int64,
    /// <paramref name="logP"/> (N, K) its log-probabilities at T, <paramref name="tailLogP"/> (N) the log of the rest's mass.
    /// </summary>
    public static Tensor SumTopK(Tensor student, Tensor indices, Tensor logP, Tensor tailLogP, double temperature)
    {
        using var scope = NewDisposeScope();
        var (logQ, tailLogQ) = TopKLogProbs(student, indices, temperature);                      // (N, K), (N)
        var kl = (logP.exp() * (logP - logQ)).sum() + (tailLogP.exp() * (tailLogP - tailLogQ)).sum();
        return (kl * (temperature * temperature)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The teacher's side of the top-K form from its logits (N, V): the K largest tokens (N, K) int64, their log-probabilities
    /// at T (N, K) and the log of the remaining mass (N), all float32.
    /// </summary>
    public static (Tensor Indices, Tensor LogP, Tensor TailLogP) TeacherTopK(Tensor teacher, int k, double temperature)
    {
        using var scope = NewDisposeScope();
        var indices = teacher.topk(Math.Min(k, (int)teacher.shape[^1]), dim: -1).indexes;                    // (N, K)
        var (logP, tail) = TopKLogProbs(teacher, indices, temperature);
        return (indices.MoveToOuterDisposeScope(), logP.MoveToOuterDisposeScope(), tail.MoveToOuterDisposeScope());
    }

    // log softmax(x / T) at the given tokens (N, K), and the log of the mass of all other tokens (N).
    private static (Tensor LogP, Tensor TailLogP) TopKLogProbs(Tensor logits, Tensor indices, double temperature)
    {
        var scaled = logits.to(ScalarType.Float32) / temperature;                                   // (N, V)
        var logZ = scaled.logsumexp(-1, keepdim: true);                                             // (N, 1)
        var top = scaled.gather(1, indices) - logZ;                                                 // (N, K)
        var rest = scaled.scatter(1, indices, full(indices.shape, LogZero, ScalarType.Float32, indices.device));
        var tail = (rest.logsumexp(-1, keepdim: true) - logZ).clamp_min(LogZero).squeeze(-1);       // (N)
        return (top, tail);
    }
}
