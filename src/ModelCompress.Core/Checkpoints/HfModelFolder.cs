using System.Text.Json.Nodes;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>Loads and saves <see cref="LlamaForCausalLM"/> as a Hugging Face model folder.</summary>
public static class HfModelFolder
{
    /// <summary>Tokenizer and generation files copied alongside the weights when a model is saved.</summary>
    public static readonly IReadOnlyList<string> SideFiles =
    [
        "tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "vocab.json", "merges.txt", "generation_config.json",
    ];

    /// <summary>
    /// Loads a model folder onto <paramref name="device"/> in <paramref name="dtype"/>, optionally only the listed layers
    /// (renumbered 0..N-1). Every missing, unexpected or mis-shaped tensor is reported before any weight is read.
    /// </summary>
    public static LlamaForCausalLM Load(string folder, Device device, ScalarType dtype, IReadOnlyList<int>? layers = null,
                                        ProjectionFactory? projections = null)
    {
        var config = LlamaConfig.Load(folder);
        using var reader = CheckpointReader.Open(folder);
        var model = ModelFactory.Create(config, device, dtype, layers, projections);
        try
        {
            var plan = Plan(model, name => LayerKeys.ToSource(name, model.SourceLayers), reader);
            var used = plan.Select(p => p.Source).ToHashSet(StringComparer.Ordinal);
            var unexpected = reader.Names.Where(n => !used.Contains(n) && !IsExpectedUnused(n, config)).ToList();
            if (unexpected.Count > 0) throw CheckpointException.UnexpectedKeys(unexpected);
            Fill(plan, reader);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fills every parameter of <paramref name="module"/> (e.g. one decoder layer) from the checkpoint key that
    /// <paramref name="toSource"/> maps its name to; missing and mis-shaped tensors are reported before any is read.
    /// </summary>
    public static void LoadInto(nn.Module module, CheckpointReader reader, Func<string, string> toSource) =>
        Fill(Plan(module, toSource, reader), reader);

    /// <summary>Maps each parameter to its checkpoint key and checks names and shapes.</summary>
    private static List<(Tensor Parameter, string Source)> Plan(nn.Module module, Func<string, string> toSource, CheckpointReader reader)
    {
        var plan = new List<(Tensor, string)>();
        var missing = new List<string>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            string source = toSource(name);
            if (!reader.Contains(source)) { missing.Add(source); continue; }
            var entry = reader.Locate(source).Entry;
            if (!entry.Shape.SequenceEqual(parameter.shape)) throw CheckpointException.ShapeMismatch(source, parameter.shape, entry.Shape);
            plan.Add((parameter, source));
        }
        if (missing.Count > 0) throw CheckpointException.MissingKeys(missing);
        return plan;
    }

    // Layers not built (pruned or skipped), tied heads saved anyway, and rotary tables of old checkpoints are not errors.
    private static bool IsExpectedUnused(string name, LlamaConfig config) =>
        LayerKeys.LayerOf(name) is { } layer && layer < config.NumHiddenLayers
        || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");

    private static void Fill(List<(Tensor Parameter, string Source)> plan, CheckpointReader reader)
    {
        using var noGrad = no_grad();
        foreach (var (parameter, source) in plan) Fill(parameter, reader, source);
    }

    private static void Fill(Tensor parameter, CheckpointReader reader, string source)
    {
        var (file, entry) = reader.Locate(source);
        if (parameter.device_type == TorchSharp.DeviceType.CPU && parameter.dtype == entry.DType.ToScalarType() && parameter.is_contiguous())
            file.ReadInto(entry, parameter.bytes);
        else
        {
            using var loaded = file.Read(entry);
            parameter.copy_(loaded);
        }
        RequireFinite(parameter, file.Path, source);
    }

    /// <summary>
    /// One reduction per loaded tensor, on its device: a NaN or Inf weight is named where it is read, rather than surfacing as
    /// NaN scores, losses or log-likelihoods later.
    /// </summary>
    public static void RequireFinite(Tensor tensor, string file, string key)
    {
        using var finite = tensor.isfinite().all();
        if (!finite.item<bool>())
            throw new CheckpointException($"{file}: tensor '{key}' holds NaN or Inf values. Re-export or re-download the checkpoint.");
    }

    /// <summary>
    /// Saves the model as an HF folder: config.json (with num_hidden_layers and torch_dtype of this model), safetensors
    /// (sharded above <paramref name="maxShardBytes"/>), and the tokenizer/generation files of <paramref name="sideFilesFrom"/>.
    /// The folder appears complete or not at all.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder, string? sideFilesFrom = null,
                            long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        using var staging = new StagingFolder(folder);
        var tensors = model.named_parameters().Select(p => TensorToWrite.From(p.name, p.parameter)).ToList();
        CheckpointWriter.Write(staging.Staging, tensors, maxShardBytes);
        var config = model.Config;
        var json = (JsonObject)config.Json.DeepClone();
        json["torch_dtype"] = TensorDTypes.TorchDtypeName(model.Model.Embedding.Weight.dtype);
        File.WriteAllText(Path.Combine(staging.Staging, "config.json"), json.ToJsonString(JsonDefaults.Indented));
        if (sideFilesFrom is not null) CopySideFiles(sideFilesFrom, staging.Staging);
        staging.Commit();
    }

    /// <summary>Copies the tokenizer and generation files that exist in <paramref name="from"/>.</summary>
    public static void CopySideFiles(string from, string to)
    {
        foreach (string name in SideFiles)
        {
            string source = Path.Combine(from, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(to, name), overwrite: true);
        }
    }
}
