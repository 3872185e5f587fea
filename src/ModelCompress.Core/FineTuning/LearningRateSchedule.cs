namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Linear warm-up from 0 to the peak over <c>warmup</c> steps, then linear decay to 0 at <c>total</c> steps — transformers'
/// <c>get_linear_schedule_with_warmup</c>, which the paper's trainer uses. Update number <c>step</c> (0-based) uses
/// <see cref="At"/>(step), so as there the very first update has learning rate 0 when warming up.
/// </summary>
public static class LearningRateSchedule
{
    public static double At(int step, int warmup, int total, double peak) =>
        step < warmup
            ? peak * step / Math.Max(1, warmup)
            : peak * Math.Max(0.0, (double)(total - step) / Math.Max(1, total - warmup));
}
