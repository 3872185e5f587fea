using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// RMSNorm as in Hugging Face Llama: normalize in float32, cast back to the input dtype, then scale by the weight.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private Parameter weight;
    private readonly double eps;

    public RmsNorm(long hidden, double eps, Device device, ScalarType dtype) : base(nameof(RmsNorm))
    {
        weight = Parameters.Empty([hidden], dtype, device);
        this.eps = eps;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x32 = x.to(ScalarType.Float32);
        var normed = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + eps);
        return (weight * normed.to(x.dtype)).MoveToOuterDisposeScope();
    }
}
