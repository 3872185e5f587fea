namespace ModelCompress.Core.FineTuning;

/// <summary>What healing minimizes.</summary>
public enum TrainingLoss
{
    /// <summary>Cross-entropy on the next token (the paper's trainer).</summary>
    Ce,
    /// <summary>
    /// Knowledge distillation from a teacher's logits (Minitron, arXiv 2407.14679 / 2408.11796), optionally mixed with
    /// cross-entropy: see <see cref="DistillationLoss"/>.
    /// </summary>
    Kd,
}

/// <summary>Where a distillation run gets the teacher's logits.</summary>
public enum TeacherCacheKind
{
    /// <summary>A first pass stores the teacher's top-K log-probabilities per trained position in a file; training reads them.</summary>
    Topk,
    /// <summary>The teacher runs beside the student on every micro-batch (full vocabulary, no file).</summary>
    None,
}
