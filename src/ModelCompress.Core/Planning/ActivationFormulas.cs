namespace ModelCompress.Core.Planning;

/// <summary>
/// Bytes held per token by the tool's decoder layer (Model/*.cs), with h hidden, i intermediate, a query heads, s bytes of
/// the compute dtype. Attention is fused (scaled_dot_product_attention, no T×T scores kept); RMSNorm works in fp32.
/// </summary>
public static class ActivationFormulas
{
    /// <summary>
    /// A layer trained in full, saved for backward: per RMSNorm its fp32 input (4h, twice) and its output (s·h, twice, the
    /// projections' inputs); attention q, repeated k and v, output and o_proj's input (5·s·h) and the fp32 log-sum-exp (4a);
    /// SwiGLU gate, silu(gate), up and their product (4·s·i). Total 8h + 7·s·h + 4a + 4·s·i.
    /// </summary>
    public static long FullLayer(ModelDims d, int s) => 8L * d.Hidden + 7L * s * d.Hidden + 4L * d.Heads + 4L * s * d.Intermediate;

    /// <summary>
    /// A frozen layer with LoRA adapters: frozen projections keep no input, so per RMSNorm only its fp32 input (8h); attention's
    /// q, k, v and output (4·s·h) and log-sum-exp (4a); gate, silu(gate) and up (3·s·i); and per adapted projection its fp32
    /// dropout output and 1-byte mask (5·in) and the rank-r fp32 A output (4r).
    /// </summary>
    public static long LoraLayer(ModelDims d, int s, int rank, IReadOnlyCollection<string> targets) =>
        8L * d.Hidden + 4L * s * d.Hidden + 4L * d.Heads + 3L * s * d.Intermediate
        + d.Projections.Where(p => targets.Contains(p.Name)).Sum(p => 5 * p.In + 4L * rank);

    /// <summary>
    /// One layer's working set in a forward pass without autograd (its dispose scope keeps every intermediate until it ends):
    /// the same tensors as <see cref="FullLayer"/> without the log-sum-exp: 8h + 7·s·h + 4·s·i.
    /// </summary>
    public static long ForwardLayer(ModelDims d, int s) => 8L * d.Hidden + 7L * s * d.Hidden + 4L * s * d.Intermediate;

    /// <summary>Training logits per token: lm_head's output (s), its fp32 copy, log-softmax and its gradient (4 each):
    /// V·(s + 12).</summary>
    public static long TrainingLogits(ModelDims d, int s) => (long)d.Vocab * (s + 12);

    /// <summary>Evaluation logits per scored position: lm_head's output (s), its fp32 copy and log-softmax: V·(s + 8).</summary>
    public static long EvaluationLogits(ModelDims d, int s) => (long)d.Vocab * (s + 8);
}
