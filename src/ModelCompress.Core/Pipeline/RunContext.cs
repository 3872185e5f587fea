using System.Text.Json;
using ModelCompress.Core.Config;
using ModelCompress.Core.Demo;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Pipeline;

/// <summary>How to run: where outputs and caches go, whether to continue a crashed stage, and who hears about progress.</summary>
/// <remarks>
/// With a persistent cache root (<see cref="CacheDir"/>: the CLI's <c>--cache-dir</c>, else <c>$MODELCOMPRESS_CACHE</c>), stage
/// outputs live in ROOT/stages, blob mirrors in ROOT/blobs and the built-in demo in ROOT/demo-v3, so a CI job in a fresh
/// workspace reuses them. Without one, the stage cache is OUT/.cache (gone with the runs folder) and assets go to
/// <c>$MODELCOMPRESS_CACHE</c>, else <c>~/.cache/modelcompress</c>.
/// </remarks>
public sealed record RunOptions(string OutRoot, bool Resume = false, IProgressSink? Progress = null, string? AssetCache = null)
{
    /// <summary>The folder name of the stage cache under a persistent cache root.</summary>
    public const string StagesFolder = "stages";

    /// <summary>Where storage credentials are read (<see cref="Storage.BlobClients"/>); the process environment by default.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>The persistent cache root; null: stages in OUT/.cache.</summary>
    public string? CacheDir { get; init; }

    /// <summary>The mirror of blob model sources, under <see cref="AssetRoot"/>, with this run's credentials.</summary>
    public Storage.BlobModelCache BlobCache() => new(Path.Combine(AssetRoot, "blobs"), new Storage.BlobClients(Environment));

    /// <summary>Built-in assets (the demo model) and blob mirrors live here: <see cref="AssetCache"/>, else <see cref="CacheDir"/>,
    /// else <c>$MODELCOMPRESS_CACHE</c>, else <c>~/.cache/modelcompress</c>.</summary>
    public string AssetRoot => AssetCache ?? PersistentRoot
        ?? (System.Environment.GetEnvironmentVariable("MODELCOMPRESS_CACHE") is { Length: > 0 } env ? env : Path.Combine(
            System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache", "modelcompress"));

    /// <summary>The stage cache: <see cref="CacheDir"/>/stages, else OUT/.cache.</summary>
    public string StageCacheRoot => PersistentRoot is { } root ? Path.Combine(root, StagesFolder) : Path.Combine(OutRoot, ".cache");

    private string? PersistentRoot => CacheDir is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;
}

/// <summary>Everything stages share during one run: resolved paths, compute settings, hashing and the stage cache.</summary>
public sealed class RunContext
{
    private readonly Dictionary<string, string> folderHashes = [];
    private readonly Dictionary<string, string> written = [];

    /// <summary>A run's context; <paramref name="planTarget"/> (planning) names the device symbolically instead of opening it.</summary>
    public RunContext(PipelineConfig config, RunOptions options, Planning.PlanTarget? planTarget = null)
    {
        Config = config;
        Options = options;
        Progress = options.Progress ?? NullProgress.Instance;
        Cache = new StageCache(options.StageCacheRoot);
        Hasher = new ContentHasher(Path.Combine(Cache.Root, "hashes.json"));
        LibTorchSelection.UseConfigured(config.Compute.Libtorch, config.BaseDirectory);
        Devices = planTarget?.Devices ?? ComputeSettings.ResolveDevices(config.Compute.Devices, config.Compute.Device);
        Device = planTarget is null ? Devices[0] : Planning.PlanTarget.DeviceOf(planTarget.Kind);
        DType = planTarget?.DType ?? ComputeSettings.ResolveDType(config.Compute.Dtype, Device);
        PlanTarget = planTarget;
    }

    /// <summary>The devices decoder layers are split over (<c>compute.devices</c>); one device when not split.</summary>
    public IReadOnlyList<Device> Devices { get; }

    /// <summary>How this run places a model it loads: balanced over <see cref="Devices"/> for forward-only work or for
    /// <paramref name="training"/>.</summary>
    public PlacementRule Place(FineTuning.TrainingOptions? training = null) => Planning.DevicePlacement.Rule(Devices, DType, training);

    /// <summary>
    /// The memory and throughput of this run's device as a plan sees it (the plan's target when planning; else resolved from
    /// compute, with <c>compute.memory_limit</c> or MODELCOMPRESS_MEMORY_LIMIT when set).
    /// </summary>
    public Planning.PlanTarget Target => PlanTarget ?? (runTarget ??= Planning.PlanTarget.Resolve(
        new Planning.ComputeChoice(Device.type == TorchSharp.DeviceType.CUDA ? "cuda" : "cpu", DType switch
        {
            ScalarType.BFloat16 => "bf16",
            ScalarType.Float16 => "fp16",
            _ => "fp32",
        }, Config.Compute.Threads, Config.Compute.Gpu, Config.Compute.Tflops)
        {
            Devices = Config.Compute.Devices, MemoryLimit = Planning.MemorySize.Limit(Config.Compute.MemoryLimit, Options.Environment),
        }, Planning.PlanTarget.ReadMeminfo, () => Device.type == TorchSharp.DeviceType.CUDA));

    private Planning.PlanTarget? runTarget;

    /// <summary>
    /// Defaults that fit: with <c>compute.dtype: auto</c> on the CPU, a bf16 checkpoint whose fp32 weights would not fit in the
    /// available memory is computed in bf16 (said in the log). Called once the base model's config is known, before any key.
    /// </summary>
    internal void FitDType(LlamaConfig baseConfig)
    {
        if (Config.Compute.Dtype != "auto" || Device.type != TorchSharp.DeviceType.CPU || DType != ScalarType.Float32) return;
        var target = Target;
        var choice = Planning.DefaultDType.OnCpu(baseConfig, target.MemoryBytes, target.MemorySource);
        if (choice.DType == DType) return;
        DType = choice.DType;
        if (PlanTarget is not null) PlanTarget = PlanTarget with { DType = DType };
        runTarget = runTarget is null ? null : runTarget with { DType = DType };
        Progress.Message(choice.Reason);
    }

    public PipelineConfig Config { get; }
    public RunOptions Options { get; }
    public IProgressSink Progress { get; }
    public StageCache Cache { get; }
    public ContentHasher Hasher { get; }
    /// <summary>The first (or only) device: where inputs and outputs live.</summary>
    public Device Device { get; }
    public ScalarType DType { get; private set; }
    /// <summary>The device a plan is for; null when running.</summary>
    public Planning.PlanTarget? PlanTarget { get; private set; }
    public long Seed => Config.Compute.Seed;
    public CancellationToken Cancellation { get; init; }

    /// <summary>A path from the pipeline file: <c>builtin:demo/…</c> (built on first use), a URL, or a path relative to the
    /// file.</summary>
    public string Resolve(string path)
    {
        if (!path.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)) return Remember(Config.Resolve(path), path);
        string root = DemoAssets.Ensure(Options.AssetRoot, Progress);
        string rest = path[DemoAssets.Scheme.Length..].TrimStart('/');
        return Remember(rest.Length == 0 ? DemoAssets.Model(root) : Path.Combine(root, rest), path);
    }

    /// <summary>
    /// What a run folder says instead of a local path: the path as pruning.yaml wrote it (<c>builtin:demo/heal.txt</c>, a blob
    /// URL, a relative path) when the run resolved it, <c>stages.ID</c> for a stage's output, the file name for anything else
    /// under a cache; other paths unchanged. Cache paths are machine-local and never reach a run folder.
    /// </summary>
    public string PublicName(string path)
    {
        if (path.Contains("://", StringComparison.Ordinal) || !Path.IsPathRooted(path)) return path;
        string full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        if (written.TryGetValue(full, out string? name)) return name;
        if (StageOfOutput?.Invoke(full) is { } stage) return $"stages.{stage}";
        bool cached = IsUnder(full, Cache.Root) || IsUnder(full, Options.AssetRoot);
        return cached ? Path.GetFileName(full) : full;
    }

    /// <summary>The id of the stage whose output folder holds a path, when known (set by the runner from its ledger).</summary>
    internal Func<string, string?>? StageOfOutput { get; set; }

    /// <summary>Remembers that <paramref name="resolved"/> was written as <paramref name="asWritten"/>; returns it.</summary>
    internal string Remember(string resolved, string asWritten)
    {
        if (!resolved.Contains("://", StringComparison.Ordinal))
            written[Path.GetFullPath(resolved).TrimEnd(Path.DirectorySeparatorChar)] = asWritten;
        return resolved;
    }

    internal static bool IsUnder(string path, string folder)
    {
        string root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return (Path.GetFullPath(path) + Path.DirectorySeparatorChar).StartsWith(root, StringComparison.Ordinal);
    }

    /// <summary>A stage key: sha256 of the parts (as JSON), the tool version and the compute settings that change results.</summary>
    public string Key(params object?[] parts) =>
        ContentHasher.TextHash(JsonSerializer.Serialize(new object?[] { ToolInfo.Version, DType.ToString(), Seed, parts },
            JsonDefaults.Indented));

    /// <summary>Every input file read and its sha256, for the manifest.</summary>
    public Dictionary<string, string> Inputs { get; } = [];

    /// <summary>sha256 of a data file the pipeline reads (remembered across runs, recorded as an input).</summary>
    public string HashFile(string path) => Inputs[Path.GetFullPath(path)] = Hasher.FileHash(path);

    /// <summary>The content hash of a model folder (<see cref="ContentHasher.FolderHash"/>), computed once per run.</summary>
    public string HashFolder(string path)
    {
        string full = Path.GetFullPath(path);
        if (!folderHashes.TryGetValue(full, out string? hash)) folderHashes[full] = hash = Hasher.FolderHash(path);
        return hash;
    }
}
