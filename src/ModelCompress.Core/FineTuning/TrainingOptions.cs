
using System.Text.Json.Serialization;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Healing hyperparameters. Defaults are the paper's shared trainer (GUIDE §4): AdamW (0.9, 0.999, no weight decay), lr 1e-5,
/// 100 warm-up steps then linear decay, effective batch 64 = micro-batch 4 × accumulation 16, 2 epochs, gradient norm
/// clipped at 1.0, seed 42, 2000 validation examples with the best checkpoint kept, cutoff 256 tokens.
/// </summary>
public sealed record TrainingOptions
{
    public FineTuneMethod Method { get; init; } = FineTuneMethod.Partial;
    /// <summary>Partial's k: the last k decoder layers train with lm_head and the final norm.</summary>
    public int TrainableLayers { get; init; } = 3;
    public LoraSettings Lora { get; init; } = new();
    public double LearningRate { get; init; } = 1e-5;
    public int Epochs { get; init; } = 2;
    /// <summary>Examples per optimizer step (effective batch).</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Examples per forward/backward; gradients accumulate over BatchSize / MicroBatchSize of them.</summary>
    public int MicroBatchSize { get; init; } = 4;
    public int WarmupSteps { get; init; } = 100;
    /// <summary>Cutoff in tokens (BOS and EOS included).</summary>
    public int MaxLength { get; init; } = 256;
    public int ValidationSize { get; init; } = 2000;
    public long Seed { get; init; } = 42;
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Validate every this many optimizer steps (and after the last one).</summary>
    public int EvalSteps { get; init; } = 200;
    /// <summary>Write a resumable checkpoint every this many optimizer steps (and on cancellation).</summary>
    public int SaveSteps { get; init; } = 50;
    /// <summary>Stop after this many optimizer steps (the schedule still spans all epochs); null trains every epoch.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Partial only: compute the frozen prefix's output once per example and reuse it every epoch.</summary>
    public bool HiddenStateCache { get; init; } = true;
    /// <summary>
    /// <c>loss: kd</c>: distill from a teacher (<see cref="DistillationOptions"/>); null trains on cross-entropy alone. Left out
    /// of JSON when null, so a cross-entropy run's resume fingerprint and finetune.json are what they were before kd existed.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DistillationOptions? Distillation { get; init; }
    /// <summary>The loss this run minimizes.</summary>
    [JsonIgnore]
    public TrainingLoss Loss => Distillation is null ? TrainingLoss.Ce : TrainingLoss.Kd;
    /// <summary>When set, cached hidden states are written to a file in this folder instead of kept in memory.</summary>
    public string? CacheSpillFolder { get; init; }

    /// <summary>
    /// Throws <see cref="InvalidInputException"/> listing every invalid value at once. <paramref name="name"/> turns a field's
    /// pipeline name (<c>micro_batch_size</c>, <c>lora.r</c>) into what the user wrote; by default the CLI flag
    /// (<c>--micro-batch-size</c>).
    /// </summary>
    public void Validate(Func<string, string>? name = null)
    {
        name ??= Flag;
        var errors = new List<string>();
        void Check(bool ok, string message) { if (!ok) errors.Add(message); }
        Check(LearningRate > 0, $"{name("lr")} must be positive (got {LearningRate})");
        Check(Epochs >= 1, $"{name("epochs")} must be at least 1 (got {Epochs})");
        Check(MicroBatchSize >= 1, $"{name("micro_batch_size")} must be at least 1 (got {MicroBatchSize})");
        Check(BatchSize >= 1 && MicroBatchSize >= 1 && BatchSize % MicroBatchSize == 0,
              $"{name("batch_size")} ({BatchSize}) must be a positive multiple of {name("micro_batch_size")} ({MicroBatchSize})");
        Check(WarmupSteps >= 0, $"{name("warmup_steps")} must be at least 0 (got {WarmupSteps})");
        Check(MaxLength >= 2, $"{name("max_len")} must be at least 2 (got {MaxLength})");
        Check(ValidationSize >= 0, $"{name("val_size")} must be at least 0 (got {ValidationSize})");
        Check(TrainableLayers >= 0, $"{name("trainable_layers")} must be at least 0 (got {TrainableLayers})");
        Check(MaxGradNorm > 0, $"max gradient norm must be positive (got {MaxGradNorm})");
        Check(EvalSteps >= 1, $"{name("eval_steps")} must be at least 1 (got {EvalSteps})");
        Check(SaveSteps >= 1, $"{name("save_steps")} must be at least 1 (got {SaveSteps})");
        Check(MaxSteps is null or >= 1, $"{name("max_steps")} must be at least 1 (got {MaxSteps})");
        Check(Lora.Rank >= 1, $"{name("lora.r")} must be at least 1 (got {Lora.Rank})");
        Check(Lora.Alpha > 0, $"{name("lora.alpha")} must be positive (got {Lora.Alpha})");
        Check(Lora.Dropout is >= 0 and < 1, $"{name("lora.dropout")} must be in [0, 1) (got {Lora.Dropout})");
        var unknown = Lora.TargetList.Where(t => !LoraSettings.AllTargets.Contains(t)).ToList();
        Check(unknown.Count == 0 && Lora.TargetList.Count > 0,
              $"{name("lora.targets")}: unknown '{string.Join(",", unknown)}' (use {string.Join(",", LoraSettings.AllTargets)})");
        if (Distillation is { } kd)
        {
            Check(kd.Temperature > 0 && double.IsFinite(kd.Temperature), $"{name("temperature")} must be positive (got {kd.Temperature})");
            Check(kd.Alpha is >= 0 and <= 1, $"{name("alpha")} must be in [0, 1] (got {kd.Alpha})");
            Check(kd.TopK >= 1, $"{name("k")} must be at least 1 (got {kd.TopK})");
            Check(Model.ComputeSettings.DTypeNames.Contains(kd.TeacherDType),
                  $"{name("teacher_dtype")}: unknown '{kd.TeacherDType}' (use {string.Join(", ", Model.ComputeSettings.DTypeNames)})");
        }
        if (errors.Count > 0) throw new InvalidInputException(string.Join("; ", errors) + ".");
    }

    /// <summary>The <c>dotnet compress finetune</c> flag of a pipeline field name: <c>lora.r</c> is <c>--lora-r</c>.</summary>
    public static string Flag(string field) => "--" + field.Replace('_', '-').Replace('.', '-');
}
