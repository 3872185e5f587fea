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

    /// <summary>ids (B, T) int64 -> logits (B, T, vocab) in the model's dtype.</summary>
    public Tensor forward(Tensor ids, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        return Project(model.forward(ids, cache)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A left-padded batch (see <see cref="LlamaModel.forward(Tensor, KvCache, Tensor, Tensor)"/>) -> logits (B, T, vocab).
    /// </summary>
    public Tensor forward(Tensor ids, KvCache cache, Tensor positions, Tensor keyMask)
    {
        using var scope = NewDisposeScope();
        return Project(model.forward(ids, cache, positions, keyMask)).MoveToOuterDisposeScope();
    }

    /// <summary>Hidden states (…, hidden) -> logits (…, vocab).</summary>
    public Tensor Project(Tensor hidden) =>
        head is null ? nn.functional.linear(hidden, model.Embedding.Weight) : head.call(hidden);

    /// <summary>A cache sized for this model's layers.</summary>
    public KvCache NewCache() => new(model.Layers.Count);
}
