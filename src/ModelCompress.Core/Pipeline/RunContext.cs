using System.Text.Json;
using ModelCompress.Core.Config;
using ModelCompress.Core.Demo;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Pipeline;

/// <summary>How to run: where outputs and caches go, whether to continue a crashed stage, and who hears about progress.</summary>
public sealed record RunOptions(string OutRoot, bool Resume = false, IProgressSink? Progress = null, string? AssetCache = null)
{
    /// <summary>Where storage credentials are read (<see cref="Storage.BlobClients"/>); the process environment by default.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>The mirror of blob model sources, under <see cref="AssetRoot"/>, with this run's credentials.</summary>
    public Storage.BlobModelCache BlobCache() => new(Path.Combine(AssetRoot, "blobs"), new Storage.BlobClients(Environment));

    /// <summary>Built-in assets (the demo model) live here: <c>$MODELCOMPRESS_CACHE</c>, else <c>~/.cache/modelcompress</c>.</summary>
    public string AssetRoot => AssetCache ?? (System.Environment.GetEnvironmentVariable("MODELCOMPRESS_CACHE") is { Length: > 0 } env
        ? env : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache", "modelcompress"));
}

/// <summary>Everything stages share during one run: resolved paths, compute settings, hashing and the stage cache.</summary>
public sealed class RunContext
{
    private readonly Dictionary<string, string> folderHashes = [];

    /// <summary>A run's context; <paramref name="planTarget"/> (planning) names the device symbolically instead of opening it.</summary>
    public RunContext(PipelineConfig config, RunOptions options, Planning.PlanTarget? planTarget = null)
    {
        Config = config;
        Options = options;
        Progress = options.Progress ?? NullProgress.Instance;
        Cache = new StageCache(Path.Combine(options.OutRoot, ".cache"));
        Hasher = new ContentHasher(Path.Combine(Cache.Root, "hashes.json"));
        Device = planTarget is null ? ComputeSettings.ResolveDevice(config.Compute.Device) : Planning.PlanTarget.DeviceOf(planTarget.Kind);
        DType = planTarget?.DType ?? ComputeSettings.ResolveDType(config.Compute.Dtype, Device);
        PlanTarget = planTarget;
    }

    public PipelineConfig Config { get; }
    public RunOptions Options { get; }
    public IProgressSink Progress { get; }
    public StageCache Cache { get; }
    public ContentHasher Hasher { get; }
    public Device Device { get; }
    public ScalarType DType { get; }
    /// <summary>The device a plan is for; null when running.</summary>
    public Planning.PlanTarget? PlanTarget { get; }
    public long Seed => Config.Compute.Seed;
    public CancellationToken Cancellation { get; init; }

    /// <summary>A path from the pipeline file: <c>builtin:demo/…</c> (built on first use), a URL, or a path relative to the
    /// file.</summary>
    public string Resolve(string path)
    {
        if (!path.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)) return Config.Resolve(path);
        string root = DemoAssets.Ensure(Options.AssetRoot, Progress);
        string rest = path[DemoAssets.Scheme.Length..].TrimStart('/');
        return rest.Length == 0 ? DemoAssets.Model(root) : Path.Combine(root, rest);
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
