using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// Creates the projection of one linear layer (plain here, LoRA or NF4 when fine-tuning), given its state-dict name
/// without ".weight" (e.g. <c>model.layers.3.self_attn.q_proj</c>), its input and output widths, whether it has a bias, and the
/// device of its layer.
/// </summary>
public delegate nn.Module<Tensor, Tensor> ProjectionFactory(string name, long inFeatures, long outFeatures, bool hasBias, Device device);

/// <summary>Builds <see cref="LlamaForCausalLM"/> from a config, optionally from a subset of its layers.</summary>
public static class ModelFactory
{
    /// <summary>
    /// Builds an uninitialized model (parameters from <c>torch.empty</c>; on the meta device nothing is allocated).
    /// <paramref name="sourceLayers"/> picks which checkpoint layers to build, in order (default: all); they are numbered
    /// 0..N-1 in the built model.
    /// </summary>
    public static LlamaForCausalLM Create(LlamaConfig config, Device device, ScalarType dtype,
                                          IReadOnlyList<int>? sourceLayers = null, ProjectionFactory? projections = null) =>
        Create(config, _ => LayerPlacement.Single(device, sourceLayers?.Count ?? config.NumHiddenLayers), dtype, sourceLayers,
            projections);

    /// <summary>
    /// Builds an uninitialized model with each part on its device: <paramref name="place"/> gets the built config (its layer
    /// count is the number of layers built) and returns the placement; each tensor is created on its device directly.
    /// </summary>
    public static LlamaForCausalLM Create(LlamaConfig config, PlacementRule place, ScalarType dtype,
                                          IReadOnlyList<int>? sourceLayers = null, ProjectionFactory? projections = null)
    {
        var layers = sourceLayers ?? Enumerable.Range(0, config.NumHiddenLayers).ToArray();
        foreach (int layer in layers)
            if (layer < 0 || layer >= config.NumHiddenLayers)
                throw new ArgumentOutOfRangeException(nameof(sourceLayers), $"layer {layer} is outside 0..{config.NumHiddenLayers - 1}");
        long hidden = config.HiddenSize;
        var built = config.WithLayerCount(layers.Count);
        var placement = place(built);
        if (placement.LayerSlots.Count != layers.Count)
            throw new ArgumentException($"the placement has {placement.LayerSlots.Count} layers, the model {layers.Count}", nameof(place));
        var model = new LlamaModel(
            new TokenEmbedding(config.VocabSize, hidden, placement.First, dtype),
            Enumerable.Range(0, layers.Count).Select(i => CreateLayer(config, i, placement.LayerDevice(i), dtype, projections)),
            new RmsNorm(hidden, config.RmsNormEps, placement.Last, dtype),
            new RotaryEmbedding(config), placement);
        var head = config.TieWordEmbeddings ? null : new Linear(hidden, config.VocabSize, false, placement.Last, dtype);
        return new LlamaForCausalLM(built, layers, model, head);
    }

    /// <summary>Builds one uninitialized decoder layer whose projections are named <c>model.layers.{index}.…</c>.</summary>
    public static DecoderLayer CreateLayer(LlamaConfig config, int index, Device device, ScalarType dtype,
                                           ProjectionFactory? projections = null)
    {
        projections ??= (_, inF, outF, bias, on) => new Linear(inF, outF, bias, on, dtype);
        long hidden = config.HiddenSize, qDim = (long)config.NumAttentionHeads * config.HeadDim, kvDim = config.KvDim;
        string p = $"model.layers.{index}.";
        var attention = new Attention(config,
            projections(p + "self_attn.q_proj", hidden, qDim, config.AttentionBias, device),
            projections(p + "self_attn.k_proj", hidden, kvDim, config.AttentionBias, device),
            projections(p + "self_attn.v_proj", hidden, kvDim, config.AttentionBias, device),
            projections(p + "self_attn.o_proj", qDim, hidden, config.OutputBias, device));
        var mlp = new Mlp(
            projections(p + "mlp.gate_proj", hidden, config.IntermediateSize, false, device),
            projections(p + "mlp.up_proj", hidden, config.IntermediateSize, false, device),
            projections(p + "mlp.down_proj", config.IntermediateSize, hidden, false, device));
        return new DecoderLayer(attention, mlp,
            new RmsNorm(hidden, config.RmsNormEps, device, dtype), new RmsNorm(hidden, config.RmsNormEps, device, dtype));
    }
}
