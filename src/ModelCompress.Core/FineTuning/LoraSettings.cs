namespace ModelCompress.Core.FineTuning;

/// <summary>
/// LoRA hyperparameters (Hu et al., 2021). Defaults are the paper's healing setup: r 8, alpha 16, dropout 0.05 on all seven
/// projections. The adapter output is scaled by alpha / r.
/// </summary>
public sealed record LoraSettings(int Rank = 8, double Alpha = 16, double Dropout = 0.05, IReadOnlyList<string>? Targets = null)
{
    /// <summary>Short projection names accepted in <see cref="Targets"/>.</summary>
    public static readonly IReadOnlyList<string> AllTargets = ["q", "k", "v", "o", "gate", "up", "down"];

    /// <summary>The projections that get adapters (default: all seven).</summary>
    public IReadOnlyList<string> TargetList => Targets ?? AllTargets;

    public double Scale => Alpha / Rank;

    /// <summary>True when the projection named <paramref name="name"/> (e.g. <c>model.layers.3.mlp.up_proj</c>) is a target.</summary>
    public bool IsTarget(string name)
    {
        string last = name[(name.LastIndexOf('.') + 1)..];
        return last.EndsWith("_proj", StringComparison.Ordinal) && TargetList.Contains(last[..^"_proj".Length]);
    }
}
