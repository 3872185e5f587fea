using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Token embedding table (vocab, hidden); input ids (B, T) -> (B, T, hidden).</summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private Parameter weight;

    public TokenEmbedding(long vocab, long hidden, Device device, ScalarType dtype) : base(nameof(TokenEmbedding))
    {
        weight = Parameters.Empty([vocab, hidden], dtype, device);
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var flat = weight.index_select(0, ids.reshape(-1)); // (B*T, hidden)
        return flat.view([.. ids.shape, weight.shape[1]]).MoveToOuterDisposeScope();
    }
}
