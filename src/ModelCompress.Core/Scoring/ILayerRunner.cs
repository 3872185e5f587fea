using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Runs a decoder one stage at a time, so forward-only metrics can walk hidden states layer by layer — from a loaded
/// model, or (low-memory mode) loading one layer at a time from the checkpoint.
/// </summary>
public interface ILayerRunner : IDisposable
{
    LlamaConfig Config { get; }
    Device Device { get; }

    /// <summary>ids (B, T) -> embeddings (B, T, hidden).</summary>
    Tensor Embed(Tensor ids);

    /// <summary>Decoder layer <paramref name="index"/> on (B, T, hidden) with a causal mask from position 0.</summary>
    Tensor Layer(int index, Tensor hidden);

    /// <summary>Final norm and output projection: (B, T, hidden) -> logits (B, T, vocab).</summary>
    Tensor Logits(Tensor hidden);
}

/// <summary>Shared by runners: rotary tables and the causal mask for a layer call.</summary>
internal static class LayerCall
{
    public static Tensor Run(DecoderLayer layer, RotaryEmbedding rotary, Tensor hidden, int index)
    {
        using var scope = NewDisposeScope();
        var (cos, sin) = rotary.Table(0, hidden.shape[1], hidden.device, hidden.dtype);
        var mask = new AttentionMask(null, IsCausal: hidden.shape[1] > 1);
        return layer.forward(hidden, cos, sin, mask, null, index).MoveToOuterDisposeScope();
    }
}

/// <summary>Runs the layers of a model already in memory.</summary>
public sealed class LoadedModelRunner(LlamaForCausalLM model) : ILayerRunner
{
    public LlamaConfig Config => model.Config;
    public Device Device => model.Model.Embedding.Weight.device;
    public Tensor Embed(Tensor ids) => model.Model.Embedding.call(ids);
    public Tensor Layer(int index, Tensor hidden) => model.Model.RunLayers(hidden, index, index + 1);

    public Tensor Logits(Tensor hidden) => model.Output(hidden);

    public void Dispose() => model.Dispose();
}
