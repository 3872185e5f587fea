using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using TorchSharp.Modules;
using Linear = ModelCompress.Core.Model.Linear;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Builds and loads a model prepared for one healing method: the builder passes LoRA (or NF4 + LoRA) linears for the target
/// projections, <c>partial</c> unties tied embeddings (lm_head becomes its own copy of the embedding), and
/// <see cref="SelectTrainable"/> sets <c>requires_grad</c> for exactly the trained parameters.
/// </summary>
public static class FineTuneModel
{
    /// <summary>The projection factory for <paramref name="method"/> (plain linears for partial and full).</summary>
    public static ProjectionFactory Projections(FineTuneMethod method, LoraSettings lora, ScalarType dtype) =>
        (name, inF, outF, bias, device) =>
        {
            if (method is not (FineTuneMethod.Lora or FineTuneMethod.QLora) || !lora.IsTarget(name))
                return new Linear(inF, outF, bias, device, dtype);
            nn.Module<Tensor, Tensor> baseLayer = method == FineTuneMethod.QLora
                ? new Nf4Linear(inF, outF, bias, device, dtype)
                : new Linear(inF, outF, bias, device, dtype);
            return new LoraLinear(baseLayer, inF, outF, lora, device);
        };

    /// <summary>The config the trained model has: partial unties tied embeddings so lm_head can train alone.</summary>
    public static LlamaConfig TrainedConfig(LlamaConfig config, FineTuneMethod method)
    {
        if (method != FineTuneMethod.Partial || !config.TieWordEmbeddings) return config;
        var json = (JsonObject)config.Json.DeepClone();
        json["tie_word_embeddings"] = false;
        return config with { TieWordEmbeddings = false, Json = json };
    }

    /// <summary>
    /// Builds an uninitialized model for <paramref name="method"/>; LoRA adapters are initialized from the global generator
    /// seeded with <paramref name="seed"/>, so the same seed gives the same adapters.
    /// </summary>
    public static LlamaForCausalLM Create(LlamaConfig config, FineTuneMethod method, LoraSettings lora, Device device,
                                          ScalarType dtype, IReadOnlyList<int>? sourceLayers = null, long seed = 42) =>
        Create(config, method, lora, c => LayerPlacement.Single(device, c.NumHiddenLayers), dtype, sourceLayers, seed);

    /// <summary>As the one-device overload, with each part on the device <paramref name="place"/> gives it.</summary>
    public static LlamaForCausalLM Create(LlamaConfig config, FineTuneMethod method, LoraSettings lora, PlacementRule place,
                                          ScalarType dtype, IReadOnlyList<int>? sourceLayers = null, long seed = 42)
    {
        manual_seed(seed);
        return ModelFactory.Create(TrainedConfig(config, method), place, dtype, sourceLayers, Projections(method, lora, dtype));
    }

    /// <summary>
    /// Loads a Hugging Face folder for <paramref name="method"/>: base weights are read into the base linears (quantized to
    /// NF4 one tensor at a time for QLoRA); a tied embedding also fills the untied lm_head.
    /// </summary>
    public static LlamaForCausalLM Load(string folder, FineTuneMethod method, LoraSettings lora, Device device, ScalarType dtype,
                                        long seed = 42) =>
        Load(folder, method, lora, c => LayerPlacement.Single(device, c.NumHiddenLayers), dtype, seed);

    /// <summary>As the one-device overload, with each part on the device <paramref name="place"/> gives it (given the trained
    /// config).</summary>
    public static LlamaForCausalLM Load(string folder, FineTuneMethod method, LoraSettings lora, PlacementRule place, ScalarType dtype,
                                        long seed = 42)
    {
        var config = LlamaConfig.Load(folder);
        using var reader = CheckpointReader.Open(folder);
        var model = Create(config, method, lora, place, dtype, seed: seed);
        try
        {
            string Source(string name) =>
                name == "lm_head.weight" && config.TieWordEmbeddings ? "model.embed_tokens.weight" : name.Replace(".base_layer.", ".");
            // NF4 layers have no dense weight parameter: each quantizes its checkpoint tensor as it is read.
            var targets = model.named_parameters().Where(p => !IsAdapter(p.name))
                .Select(p => WeightTarget.Into(p.parameter, Source(p.name)))
                .Concat(model.named_modules().Where(m => m.module is Nf4Linear)
                    .Select(m => Nf4Target(m.name, (Nf4Linear)m.module, model.Placement)))
                .ToList();
            WeightLoader.Load(reader, targets);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static WeightTarget Nf4Target(string name, Nf4Linear layer, LayerPlacement placement) =>
        WeightTarget.To(name.Replace(".base_layer", "") + ".weight", [layer.OutFeatures, layer.InFeatures],
                        dense => layer.Load(dense.to(placement.LayerDevice(LayerKeys.LayerOf(name) ?? 0))));

    /// <summary>True for LoRA adapter parameters (not in any checkpoint).</summary>
    public static bool IsAdapter(string name) =>
        name.Contains(".lora_A", StringComparison.Ordinal) || name.Contains(".lora_B", StringComparison.Ordinal);

    /// <summary>
    /// Freezes everything except what <paramref name="method"/> trains and returns the trained parameters by name.
    /// <paramref name="trainableLayers"/> is partial's k (the last k decoder layers).
    /// </summary>
    public static List<(string Name, Parameter Parameter)> SelectTrainable(LlamaForCausalLM model, FineTuneMethod method,
                                                                           int trainableLayers)
    {
        int layers = model.Config.NumHiddenLayers;
        if (method == FineTuneMethod.Partial && (trainableLayers < 0 || trainableLayers > layers))
            throw new InvalidInputException(
                $"--trainable-layers {trainableLayers} is outside 0..{layers} (the model has {layers} layers).");
        if (method == FineTuneMethod.Partial && model.Head is null)
            throw new InvalidOperationException("partial fine-tuning needs an untied lm_head: build the model with FineTuneModel.");
        bool Trains(string name) => method switch
        {
            FineTuneMethod.Full => true,
            FineTuneMethod.Lora or FineTuneMethod.QLora => IsAdapter(name),
            _ => name.StartsWith("lm_head.", StringComparison.Ordinal) || name.StartsWith("model.norm.", StringComparison.Ordinal)
                 || LayerKeys.LayerOf(name) is int layer && layer >= layers - trainableLayers,
        };
        var trained = new List<(string, Parameter)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            parameter.requires_grad = Trains(name);
            if (parameter.requires_grad) trained.Add((name, parameter));
        }
        return trained;
    }
}
