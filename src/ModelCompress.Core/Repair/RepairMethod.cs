namespace ModelCompress.Core.Repair;

/// <summary>How a pruned model's cuts are repaired, offline and without training.</summary>
public enum RepairMethod
{
    /// <summary>
    /// ReplaceMe (Shopkhoev et al. 2025, arXiv 2505.02819): one linear map per cut, fitted by least squares on calibration
    /// activations and folded into the down_proj of the last kept layer before the cut.
    /// </summary>
    Linear,

    /// <summary>
    /// Prune&amp;Comp (Chen et al. 2025, arXiv 2507.18212): one scalar per cut restoring the hidden states' magnitude, folded into
    /// the output projections of the layers after the cut.
    /// </summary>
    Rescale,
}

/// <summary>
/// One repair: the pruned model <see cref="Student"/>, the model it was pruned from <see cref="Teacher"/>, and for each of the
/// student's layers its index in the teacher (<see cref="Kept"/>, as pruning.json's kept_layers). <see cref="Ridge"/> is relative
/// to the mean diagonal of XᵀX (scale-free; default 1e-4).
/// </summary>
public sealed record RepairRequest(
    string Student, string Teacher, IReadOnlyList<int> Kept, string Output, RepairMethod Method, string CalibrationFile,
    int Samples = 10, int SeqLen = 128, long Seed = 42, double Ridge = RepairRequest.DefaultRidge)
{
    public const double DefaultRidge = 1e-4;
}
