using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// A Llama-family causal language model whose state-dict keys equal the Hugging Face safetensors keys
/// (<c>model.layers.{i}.self_attn.q_proj.weight</c>, …, <c>lm_head.weight</c> unless embeddings are tied).
/// </summary>
public sealed class LlamaForCausalLM : nn.Module
{
    [ComponentName(Name = "model")] private LlamaModel model;
    [ComponentName(Name = "lm_head")] private Linear? head;

    public LlamaForCausalLM(LlamaConfig config, IReadOnlyList<int> sourceLayers, LlamaModel model, Linear? head)
        : base(nameof(LlamaForCausalLM))
    {
        Config = config;
        SourceLayers = sourceLayers;
        this.model = model;
        this.head = head;
        RegisterComponents();
    }

    /// <summary>The architecture; <c>NumHiddenLayers</c> equals the number of layers built.</summary>
    public LlamaConfig Config { get; }

    /// <summary>For each built layer, its index in the checkpoint it was loaded from.</summary>
    public IReadOnlyList<int> SourceLayers { get; }

    public LlamaModel Model => model;

    /// <summary>Null when the output projection is tied to the embedding.</summary>
    public Linear? Head => head;

    /// <summary>Which device holds which part (<see cref="LlamaModel.Placement"/>).</summary>
    public LayerPlacement Placement => model.Placement;

    /// <summary>ids (B, T) int64 on the first slot -> logits (B, T, vocab) in the model's dtype, on the first slot.</summary>
    public Tensor forward(Tensor ids, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var normalized = model.Normalized(ids, cache, null); // on the last slot
        return ProjectFrom(normalized, Placement.Count - 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A left-padded batch (see <see cref="LlamaModel.forward(Tensor, KvCache, Tensor, Tensor)"/>) -> logits (B, T, vocab) on the
    /// first slot.
    /// </summary>
    public Tensor forward(Tensor ids, KvCache cache, Tensor positions, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        var normalized = model.PaddedNormalized(ids, cache, positions, keyMask);
        return ProjectFrom(normalized, Placement.Count - 1).MoveToOuterDisposeScope();
    }

    /// <summary>Normalized hidden states (…, hidden) -> logits (…, vocab), both on the first slot.</summary>
    public Tensor Project(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return ProjectFrom(hidden, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Pre-norm hidden states (…, hidden) -> logits (…, vocab): final norm and lm_head, both on the first slot.</summary>
    public Tensor Output(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var last = Placement.Count == 1 ? hidden : LayerPlacement.Transfer(hidden, Placement.Last);
        return ProjectFrom(model.Norm.call(last), Placement.Count - 1).MoveToOuterDisposeScope();
    }

    // lm_head runs on the last slot (a tied head: on the first, with the embedding); the logits end on the first slot.
    private Tensor ProjectFrom(Tensor hidden, int slot)
    {
        int headSlot = head is null ? 0 : Placement.Count - 1;
        if (slot != headSlot) hidden = LayerPlacement.Transfer(hidden, Placement.Devices[headSlot]);
        var logits = head is null ? nn.functional.linear(hidden, model.Embedding.Weight) : head.call(hidden);
        return model.Home(logits, headSlot);
    }

    /// <summary>A cache sized for this model's layers.</summary>
    public KvCache NewCache() => new(model.Layers.Count);
}
