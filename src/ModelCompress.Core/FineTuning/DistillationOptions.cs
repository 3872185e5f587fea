namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Settings of <c>loss: kd</c>. The loss per trained token is <c>Alpha · KD + (1 − Alpha) · CE</c> with
/// <c>KD = T² · KL(softmax(teacher / T) ‖ softmax(student / T))</c> (forward KL; the T² keeps the soft term's gradients at the
/// scale of cross-entropy's when T changes, Hinton et al. 2015). Defaults are Minitron's: logit-only distillation
/// (<c>Alpha</c> 1) at T = 1, teacher logits cached as the top 64 per token.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>Softmax temperature T of both teacher and student (&gt; 0).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Weight of the KD term, 0..1; 1 − Alpha weights cross-entropy on the labels.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Top-K file from a first pass, or the teacher on the fly.</summary>
    public TeacherCacheKind Cache { get; init; } = TeacherCacheKind.Topk;

    /// <summary>Topk: log-probabilities kept per position (the rest of the vocabulary is one tail bucket).</summary>
    public int TopK { get; init; } = 64;

    /// <summary>The teacher's compute dtype: <c>auto</c> (bf16 on CUDA, the run's dtype on CPU), fp32, bf16 or fp16 (CUDA).</summary>
    public string TeacherDType { get; init; } = "auto";

    /// <summary>
    /// What identifies the teacher's weights (a content hash, or the folder's files and sizes): part of the resume fingerprint
    /// and the top-K file's fingerprint, so a different teacher never reuses either.
    /// </summary>
    public string TeacherId { get; init; } = "";
}
