using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// y = x Wᵀ + b with weight (out, in). Parameters start uninitialized (<c>torch.empty</c>): they are always filled from a
/// checkpoint or by <see cref="ModelInitializer"/>, so building an 8B model on the meta device costs nothing.
/// </summary>
public sealed class Linear : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private Parameter? bias;

    public Linear(long inFeatures, long outFeatures, bool hasBias, Device device, ScalarType dtype) : base(nameof(Linear))
    {
        weight = Parameters.Empty([outFeatures, inFeatures], dtype, device);
        bias = hasBias ? Parameters.Empty([outFeatures], dtype, device) : null;
        RegisterComponents();
    }

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public override Tensor forward(Tensor input) => nn.functional.linear(input, weight, bias);
}
