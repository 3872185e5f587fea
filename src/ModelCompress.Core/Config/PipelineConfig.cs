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

/// <summary>
/// The <c>model:</c> block: where the base model comes from (<see cref="Source"/>), a label for its version, and what the
/// published model card says of it: its Hugging Face Hub id (<see cref="Id"/>) and the licence it is released under.
/// </summary>
public sealed record ModelSource(string Source, string? Revision, string? Id = null, string? License = null);

public sealed record ComputeConfig(string Device, string Dtype, int Threads, long Seed)
{
    /// <summary>A libtorch <c>lib/</c> folder loaded instead of the bundled libtorch (<c>compute.libtorch</c>); null: bundled.</summary>
    public string? Libtorch { get; init; }

    /// <summary>The GPU a plan is for (a name of the planning table), when planning for CUDA.</summary>
    public string? Gpu { get; init; }

    /// <summary>A measured throughput in TFLOPS that plans use instead of the table's figure.</summary>
    public double? Tflops { get; init; }

    /// <summary>
    /// Devices to split decoder layers over (<c>compute.devices</c>: cuda:0, cuda:1, …, or repeated cpu slots), in pipeline order;
    /// empty: the one <see cref="Device"/>.
    /// </summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>The memory each device may use (<c>compute.memory_limit</c>, e.g. 24GiB); null: what the device has.</summary>
    public string? MemoryLimit { get; init; }
}

public sealed record CalibrationConfig(string Text, int Samples, int SeqLen);

/// <summary>One stage of the pipeline; the YAML <c>type</c> picks the record (<see cref="StageSyntax"/>).</summary>
public abstract record StageConfig(string Id);

public sealed record GateConfig(string Metric, double? Min, double? Max, double? MaxDrop, double? MaxRelativeDrop,
    SignificanceConfig? NotSignificantlyWorse);

public sealed record SignificanceConfig(double Alpha);

public sealed record PublishConfig(IReadOnlyList<string> Targets, bool Github);
