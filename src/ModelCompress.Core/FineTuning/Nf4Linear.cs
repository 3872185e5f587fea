using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// A frozen linear layer whose weight (out, in) is stored as <see cref="Nf4Weight"/> and dequantized on the fly in each
/// forward (QLoRA's base layer). It has no trainable parameters; the optional bias is a frozen parameter.
/// </summary>
public sealed class Nf4Linear : nn.Module<Tensor, Tensor>
{
    private Parameter? bias;
    private Nf4Weight? weight;

    public Nf4Linear(long inFeatures, long outFeatures, bool hasBias, Device device, ScalarType dtype) : base(nameof(Nf4Linear))
    {
        (InFeatures, OutFeatures, DType) = (inFeatures, outFeatures, dtype);
        bias = hasBias ? new Parameter(zeros([outFeatures], dtype, device), requires_grad: false) : null;
        RegisterComponents();
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public ScalarType DType { get; }
    public Parameter? Bias => bias;

    /// <summary>The quantized weight; null until <see cref="Load"/>.</summary>
    public Nf4Weight? Weight => weight;

    /// <summary>Quantizes a dense weight (out, in) into this layer, replacing any previous one.</summary>
    public void Load(Tensor dense)
    {
        if (dense.shape[0] != OutFeatures || dense.shape[1] != InFeatures)
            throw new ArgumentException(
                $"weight shape [{string.Join(", ", dense.shape)}] is not [{OutFeatures}, {InFeatures}].", nameof(dense));
        weight?.Dispose();
        weight = Nf4Weight.Quantize(dense, DType);
    }

    /// <summary>The dequantized weight (out, in) in the compute dtype.</summary>
    public Tensor DenseWeight() => (weight ?? throw new InvalidOperationException("NF4 weight not loaded.")).Dequantize();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(input, DenseWeight(), bias).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) weight?.Dispose();
        base.Dispose(disposing);
    }
}
