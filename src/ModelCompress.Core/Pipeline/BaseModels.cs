using ModelCompress.Core.Demo;
using ModelCompress.Core.Model;
using ModelCompress.Core.Storage;
using static TorchSharp.torch;

namespace ModelCompress.Core.Pipeline;

/// <summary>The pipeline's base model: resolved for a run (pulled or built when needed), or planned from its config.json alone.</summary>
internal static class BaseModels
{
    /// <summary>The base model folder, its key (a content hash, remembered across runs) and its layers.</summary>
    public static ModelState Resolve(RunContext run)
    {
        string folder = Folder(run);
        // A local folder's tensors were checked with the config (FileChecks); each stage checks what it reads.
        var config = LlamaConfig.Load(folder);
        run.FitDType(config);
        return new ModelState(folder, run.Key("model", run.HashFolder(folder)), config.NumHiddenLayers);
    }

    /// <summary>
    /// The planned base model, its size, and its plan row — without reading weights: a blob model not pulled yet is planned from
    /// its config.json blob, the built-in demo before it is built from its planned config.
    /// </summary>
    public static (ModelState Model, PlanShape Shape, PlanRow Row) Plan(RunContext run)
    {
        var config = run.Config;
        bool demoPending = config.Model.Source.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)
                           && !DemoAssets.IsBuilt(run.Options.AssetRoot);
        var blob = BlobLocation.IsBlobUrl(config.Model.Source)
            ? new BlobClients(run.Options.Environment).Locate(config.Model.Source)
            : null;
        // Resolving builtin:demo would build it: a plan never does.
        string folder = demoPending ? "" : blob is null ? run.Resolve(config.Model.Source) : run.Options.BlobCache().FolderOf(blob);
        bool pullPending = blob is not null && !File.Exists(Path.Combine(folder, "config.json"));
        var llama = demoPending ? DemoAssets.PlannedConfig()
            : pullPending ? LlamaConfig.Parse(ReadConfigBlob(blob!, run.Options), $"{blob}/config.json")
            : LlamaConfig.Load(folder);
        var (total, perLayer) = Count(llama);
        run.FitDType(llama);
        var target = run.PlanTarget ?? throw new InvalidOperationException("planning needs a plan target.");
        var shape = new PlanShape(llama.NumHiddenLayers, total, perLayer, (int)empty(1, dtype: run.DType).element_size(), demoPending,
            new Planning.MemoryPlanner(Planning.ModelDims.Of(llama), target));
        string? key = demoPending || pullPending ? null : Resolve(run).Key;
        string note = demoPending ? "built-in demo: trained on first run (about a minute)"
            : pullPending ? $"{blob}: not pulled yet (planned from its config.json)" : blob?.ToString() ?? config.Model.Source;
        var row = new PlanRow("base", "model", !pullPending, llama.NumHiddenLayers, total, total * shape.BytesPerParameter, note)
        {
            Key = key,
        };
        return (new ModelState(null, key, llama.NumHiddenLayers), shape, row);
    }

    private static string Folder(RunContext run)
    {
        string source = run.Config.Model.Source;
        if (BlobLocation.IsBlobUrl(source))
            return run.Remember(run.Options.BlobCache().PullAsync(new BlobClients(run.Options.Environment).Locate(source),
                run.Progress, run.Cancellation).GetAwaiter().GetResult().Folder, source);
        string folder = run.Resolve(source);
        if (!Directory.Exists(folder)) throw new InvalidInputException($"model.source '{source}': folder {folder} not found.");
        return folder;
    }

    private static string ReadConfigBlob(BlobLocation location, RunOptions options)
    {
        try
        {
            var blob = new BlobClients(options.Environment).Container(location).GetBlobClient(location.BlobName("config.json"));
            return blob.DownloadContent().Value.Content.ToString();
        }
        catch (Exception e) when (e is Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException)
        {
            throw StorageException.Failed(location, e);
        }
    }

    private static (long Total, long PerLayer) Count(LlamaConfig config)
    {
        using var model = ModelFactory.Create(config, device("meta"), ScalarType.Float32);
        long total = model.parameters().Sum(p => p.numel());
        long perLayer = model.Model.Layers[0].parameters().Sum(p => p.numel());
        return (total, perLayer);
    }
}
