using System.Text.Json.Serialization;

namespace ModelCompress.Core.Config;

/// <summary>A validated pruning.yaml. Relative paths are resolved against <see cref="BaseDirectory"/>.</summary>
public sealed record PipelineConfig(
    string Name, ModelSource Model, ComputeConfig Compute, CalibrationConfig? Calibration,
    IReadOnlyList<StageConfig> Stages, IReadOnlyList<GateConfig> Gates, PublishConfig Publish)
{
    /// <summary>The folder of the pipeline file; relative paths in it are relative to this folder.</summary>
    [JsonIgnore] public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>An absolute path for a path written in the file (URLs are returned unchanged).</summary>
    public string Resolve(string path) => path.Contains("://", StringComparison.Ordinal) ? path : Path.GetFullPath(path, BaseDirectory);
}

public sealed record ModelSource(string Source, string? Revision);

public sealed record ComputeConfig(string Device, string Dtype, int Threads, long Seed);

public sealed record CalibrationConfig(string Text, int Samples, int SeqLen);

/// <summary>One stage of the pipeline; the YAML <c>type</c> picks the record.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ScoreStage), "score")]
[JsonDerivedType(typeof(PruneStage), "prune")]
[JsonDerivedType(typeof(FinetuneStage), "finetune")]
[JsonDerivedType(typeof(EvaluateStage), "evaluate")]
public abstract record StageConfig(string Id);

public sealed record ScoreStage(string Id, string Metric, string BiReduction, int BlockSize, bool LowMemory) : StageConfig(Id);

public sealed record PruneStage(string Id, string? Metric, string? Scores, string? Layers, string? Remove, IterativeConfig? Iterative) : StageConfig(Id);

public sealed record IterativeConfig(int Step, string Heal);

public sealed record FinetuneStage(
    string Id, string Method, string Data, string Format, string Template, int TrainableLayers, LoraConfig Lora, double Lr,
    int Epochs, int BatchSize, int MicroBatchSize, int WarmupSteps, int MaxLen, int ValSize, int? MaxSteps) : StageConfig(Id);

public sealed record LoraConfig(int R, double Alpha, double Dropout, IReadOnlyList<string> Targets);

public sealed record EvaluateStage(
    string Id, IReadOnlyList<string> Tasks, IReadOnlyList<string> Perplexity, int? Limit, int NumFewshot, int BatchSize, int Window,
    string? Data) : StageConfig(Id);

public sealed record GateConfig(string Metric, double? Min, double? Max, double? MaxDrop, double? MaxRelativeDrop, SignificanceConfig? NotSignificantlyWorse);

public sealed record SignificanceConfig(double Alpha);

public sealed record PublishConfig(IReadOnlyList<string> Targets, bool Github);
