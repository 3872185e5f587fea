using ModelCompress.Core.Config;
using ModelCompress.Core.Demo;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Storage;
using static TorchSharp.torch;

namespace ModelCompress.Core.Pipeline;

/// <summary>One planned step: whether its output is cached, and the model's size after it.</summary>
public sealed record PlanRow(string Id, string Type, bool Cached, int Layers, long Parameters, long MemoryBytes, string Note);

/// <summary>
/// <c>dotnet compress plan</c>: the stages in order with their cache status, layers, parameters and weight memory before
/// and after pruning, and a rough training-compute estimate — from config.json alone (the model is built on the meta
/// device, no weight is read). Cache keys are the runner's own.
/// </summary>
public static class PipelinePlanner
{
    public static IReadOnlyList<PlanRow> Plan(PipelineConfig config, RunOptions options)
    {
        var run = new RunContext(config, options);
        bool demoPending = config.Model.Source.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal) && !DemoAssets.IsBuilt(Path.Combine(options.AssetRoot));
        // A blob model not pulled yet is planned from its config.json blob alone: planning never downloads weights.
        var blob = BlobLocation.IsBlobUrl(config.Model.Source) ? BlobLocation.Parse(config.Model.Source) : null;
        string folder = blob is null ? run.Resolve(config.Model.Source) : options.BlobCache().FolderOf(blob);
        bool pullPending = blob is not null && !File.Exists(Path.Combine(folder, "config.json"));
        var llama = demoPending ? DemoAssets.PlannedConfig()
            : pullPending ? LlamaConfig.Parse(ReadConfigBlob(blob!, options), $"{blob}/config.json")
            : LlamaConfig.Load(folder);
        var (total, perLayer) = Count(llama);
        int bytes = (int)empty(1, dtype: run.DType).element_size();
        int layers = llama.NumHiddenLayers;
        string? modelKey = demoPending || pullPending ? null : PipelineRunner.BaseModel(run).Key;
        string? baseKey = modelKey;
        var exec = new StageExecutor(run);
        var scoreKeys = new Dictionary<string, string?>();
        var rows = new List<PlanRow> { new("base", "model", !pullPending, layers, total, total * bytes, demoPending ? "built-in demo: trained on first run (about a minute)"
            : pullPending ? $"{blob}: not pulled yet (planned from its config.json)" : blob?.ToString() ?? config.Model.Source) };
        PlanRow Row(string id, string type, string? key, string note) =>
            new(id, type, key is not null && run.Cache.Contains(key), layers, total - (llama.NumHiddenLayers - layers) * perLayer,
                (total - (llama.NumHiddenLayers - layers) * perLayer) * bytes, note);
        foreach (var stage in config.Stages)
        {
            switch (stage)
            {
                case ScoreStage s:
                    scoreKeys[s.Id] = modelKey is null ? null : exec.ScoreKey(s, modelKey);
                    rows.Add(Row(s.Id, "score", scoreKeys[s.Id], s.Metric));
                    break;
                case PruneStage p:
                    int k = p.Layers is { } list ? RemovalSpec.Layers(list, layers).Length : RemovalSpec.Count(p.Remove!, layers);
                    modelKey = modelKey is null || p.Iterative is not null ? null : exec.PruneKey(p, modelKey, p.Scores is { } id ? scoreKeys[id] : null);
                    layers -= k;
                    rows.Add(Row(p.Id, "prune", modelKey, $"remove {k} layer{(k == 1 ? "" : "s")} ({p.Metric ?? (p.Scores is null ? "explicit" : $"scores of {p.Scores}")}" +
                                                          (p.Iterative is { } it ? $", {it.Step} at a time, healing with {it.Heal})" : ")")));
                    break;
                case FinetuneStage f:
                    modelKey = modelKey is null ? null : exec.FinetuneKey(f, modelKey);
                    rows.Add(Row(f.Id, "finetune", modelKey, demoPending && f.Data.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)
                        ? $"{f.Method}; built-in data is generated on first run"
                        : TrainingEstimate(f, run, total - (llama.NumHiddenLayers - layers) * perLayer)));
                    break;
                case EvaluateStage e:
                    string? key = baseKey is null ? null : exec.EvaluateKey(e, baseKey);
                    rows.Add(rows[0] with { Id = $"{e.Id} (baseline)", Type = "evaluate", Cached = key is not null && run.Cache.Contains(key), Note = "the unpruned model" });
                    rows.Add(Row($"{e.Id} (candidate)", "evaluate", modelKey is null ? null : exec.EvaluateKey(e, modelKey), string.Join(", ", e.Tasks.Concat(e.Perplexity))));
                    break;
            }
        }
        return rows;
    }

    private static string ReadConfigBlob(BlobLocation location, RunOptions options)
    {
        try
        {
            return new BlobClients(options.Environment).Container(location).GetBlobClient(location.BlobName("config.json")).DownloadContent().Value.Content.ToString();
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

    // Rough: about 4 bytes of text per token; 6 FLOPs per parameter per trained token (forward + backward).
    private static string TrainingEstimate(FinetuneStage f, RunContext run, long parameters)
    {
        string data = run.Resolve(f.Data);
        if (!File.Exists(data)) return $"{f.Method}; data {f.Data} (not available yet)";
        long tokens = new FileInfo(data).Length / 4 * f.Epochs;
        if (f.MaxSteps is int steps) tokens = Math.Min(tokens, (long)steps * f.BatchSize * f.MaxLen);
        return $"{f.Method}; ~{tokens:N0} training tokens, ~{6.0 * parameters * tokens / 1e12:0.###} TFLOP";
    }
}
