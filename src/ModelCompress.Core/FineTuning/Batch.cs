using ModelCompress.Core.Data;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>Right-padded micro-batches and the masked causal-LM loss.</summary>
public static class Batch
{
    /// <summary>Label of positions that do not count in the loss (prompt, padding, last position).</summary>
    public const long Ignore = -100;

    /// <summary>
    /// ids (B, T) int64 right-padded with 0, and targets (B, T) int64: position t holds token t+1 when that token is part of
    /// the completion, else <see cref="Ignore"/>. With right padding and a causal mask, padding never affects real positions.
    /// </summary>
    public static (Tensor Ids, Tensor Targets) Collate(IReadOnlyList<TrainingExample> examples, Device device)
    {
        int b = examples.Count, t = examples.Max(e => e.Ids.Length);
        var ids = new long[b * t];
        var targets = new long[b * t];
        Array.Fill(targets, Ignore);
        for (int i = 0; i < b; i++)
        {
            var e = examples[i];
            for (int j = 0; j < e.Ids.Length; j++) ids[i * t + j] = e.Ids[j];
            for (int j = Math.Max(e.PromptLength, 1); j < e.Ids.Length; j++) targets[i * t + j - 1] = e.Ids[j];
        }
        return (tensor(ids, [b, t], device: device), tensor(targets, [b, t], device: device));
    }

    /// <summary>
    /// The flat indices into (B·T) of the positions <see cref="Collate"/> gives a label, example by example in order: the rows
    /// of (B·T, V) logits that distillation compares (the same positions cross-entropy trains on).
    /// </summary>
    public static long[] LabelPositions(IReadOnlyList<TrainingExample> examples)
    {
        int t = examples.Max(e => e.Ids.Length);
        var positions = new List<long>(examples.Sum(e => e.LabelCount));
        for (int i = 0; i < examples.Count; i++)
            for (int j = Math.Max(examples[i].PromptLength, 1); j < examples[i].Ids.Length; j++) positions.Add((long)i * t + j - 1);
        return [.. positions];
    }

    /// <summary>The label rows (N, V) of logits (B, T, V), in <see cref="LabelPositions"/> order.</summary>
    public static Tensor LabelRows(Tensor logits, IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        var index = tensor(LabelPositions(examples), device: logits.device);
        return logits.reshape(-1, logits.shape[^1]).index_select(0, index).MoveToOuterDisposeScope();
    }

    /// <summary>Summed token cross-entropy of logits (B, T, V) against targets (B, T), computed in float32.</summary>
    public static Tensor SumLoss(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var flat = logits.reshape(-1, logits.shape[^1]).to(ScalarType.Float32); // (B*T, V)
        return nn.functional.cross_entropy(flat, targets.reshape(-1), ignore_index: Ignore, reduction: nn.Reduction.Sum)
            .MoveToOuterDisposeScope();
    }
}
