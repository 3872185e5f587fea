using System.Text.Json.Nodes;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// Loads and saves <see cref="LlamaForCausalLM"/> as a Hugging Face model folder, through the one loader
/// (<see cref="WeightLoader"/>) and the one writer (<see cref="HfFolderWriter"/>).
/// </summary>
public static class HfModelFolder
{
    /// <summary>
    /// Loads a model folder onto <paramref name="device"/> in <paramref name="dtype"/>, optionally only the listed layers
    /// (renumbered 0..N-1). Every missing, unexpected or mis-shaped tensor is reported before any weight is read.
    /// </summary>
    public static LlamaForCausalLM Load(string folder, Device device, ScalarType dtype, IReadOnlyList<int>? layers = null,
                                        ProjectionFactory? projections = null) =>
        Load(folder, c => LayerPlacement.Single(device, c.NumHiddenLayers), dtype, layers, projections);

    /// <summary>Loads a model folder with each part on the device <paramref name="place"/> gives it (several devices: a pipeline
    /// of layers).</summary>
    public static LlamaForCausalLM Load(string folder, PlacementRule place, ScalarType dtype, IReadOnlyList<int>? layers = null,
                                        ProjectionFactory? projections = null)
    {
        var config = LlamaConfig.Load(folder);
        using var reader = CheckpointReader.Open(folder);
        var model = ModelFactory.Create(config, place, dtype, layers, projections);
        try
        {
            var targets = Targets(model, name => LayerKeys.ToSource(name, model.SourceLayers));
            WeightLoader.Check(reader, targets);
            var used = targets.Select(t => t.Source).ToHashSet(StringComparer.Ordinal);
            var unexpected = reader.Names.Where(n => !used.Contains(n) && !IsExpectedUnused(n, config)).ToList();
            if (unexpected.Count > 0) throw CheckpointException.UnexpectedKeys(unexpected);
            WeightLoader.Fill(reader, targets);
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
        WeightLoader.Load(reader, Targets(module, toSource));

    private static List<WeightTarget> Targets(nn.Module module, Func<string, string> toSource) =>
        [.. module.named_parameters().Select(p => WeightTarget.Into(p.parameter, toSource(p.name)))];

    // Layers not built (pruned or skipped), tied heads saved anyway, and rotary tables of old checkpoints are not errors.
    private static bool IsExpectedUnused(string name, LlamaConfig config) =>
        LayerKeys.LayerOf(name) is { } layer && layer < config.NumHiddenLayers
        || name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal)
        || (config.TieWordEmbeddings && name == "lm_head.weight");

    /// <summary>
    /// Saves the model as an HF folder: config.json (with num_hidden_layers and torch_dtype of this model), safetensors
    /// (sharded above <paramref name="maxShardBytes"/>), and the tokenizer/generation files of <paramref name="sideFilesFrom"/>.
    /// The folder appears complete or not at all.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder, string? sideFilesFrom = null,
                            long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        var tensors = model.named_parameters().Select(p => TensorToWrite.From(p.name, p.parameter)).ToList();
        var json = (JsonObject)model.Config.Json.DeepClone();
        json["torch_dtype"] = TensorDTypes.TorchDtypeName(model.Model.Embedding.Weight.dtype);
        HfFolderWriter.Write(folder, tensors, json, sideFilesFrom, maxShardBytes);
    }
}
