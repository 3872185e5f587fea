using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Scoring;

/// <summary>
/// Low-memory mode: keeps one decoder layer resident, loading each from the checkpoint when first asked for it, so a
/// model larger than memory can be walked. Embedding, final norm and head are loaded when used.
/// </summary>
public sealed class StreamingLayerRunner : ILayerRunner
{
    private readonly CheckpointReader reader;
    private readonly ScalarType dtype;
    private readonly RotaryEmbedding rotary;
    private (int Index, DecoderLayer Layer)? resident;
    private (RmsNorm Norm, Tensor Head)? output;

    public StreamingLayerRunner(string folder, Device device, ScalarType dtype)
    {
        Config = LlamaConfig.Load(folder);
        reader = CheckpointReader.Open(folder);
        Device = device;
        this.dtype = dtype;
        rotary = new RotaryEmbedding(Config);
    }

    public LlamaConfig Config { get; }
    public Device Device { get; }

    /// <summary>How many times a decoder layer was read from disk (for tests and logs).</summary>
    public int LayerLoads { get; private set; }

    public Tensor Embed(Tensor ids)
    {
        using var embedding = new TokenEmbedding(Config.VocabSize, Config.HiddenSize, Device, dtype);
        HfModelFolder.LoadInto(embedding, reader, _ => "model.embed_tokens.weight");
        using var noGrad = no_grad();
        return embedding.call(ids);
    }

    public Tensor Layer(int index, Tensor hidden)
    {
        if (resident?.Index != index)
        {
            resident?.Layer.Dispose();
            resident = null;
            var layer = ModelFactory.CreateLayer(Config, index, Device, dtype);
            HfModelFolder.LoadInto(layer, reader, name => $"model.layers.{index}.{name}");
            resident = (index, layer);
            LayerLoads++;
        }
        using var noGrad = no_grad();
        return LayerCall.Run(resident.Value.Layer, rotary, hidden, index);
    }

    public Tensor Logits(Tensor hidden)
    {
        if (output is null)
        {
            var norm = new RmsNorm(Config.HiddenSize, Config.RmsNormEps, Device, dtype);
            HfModelFolder.LoadInto(norm, reader, _ => "model.norm.weight");
            string headKey = Config.TieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
            using var head = new Linear(Config.HiddenSize, Config.VocabSize, false, Device, dtype);
            HfModelFolder.LoadInto(head, reader, _ => headKey);
            output = (norm, head.Weight.detach().clone().DetachFromDisposeScope());
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.linear(output.Value.Norm.call(hidden), output.Value.Head).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        resident?.Layer.Dispose();
        output?.Norm.Dispose();
        output?.Head.Dispose();
        reader.Dispose();
    }
}
