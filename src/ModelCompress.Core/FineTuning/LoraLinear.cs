using TorchSharp;
using TorchSharp.Modules;
using Linear = ModelCompress.Core.Model.Linear;
using TorchSharp.Utils;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// A frozen base projection plus a low-rank update: y = base(x) + (alpha / r) · B(A(dropout(x))), A (r, in), B (out, r)
/// (Hu et al., 2021, "LoRA"). A starts Kaiming-uniform and B at zero, so training starts from the base model. The adapter
/// is kept in float32 whatever the base dtype, so small updates are not lost to bf16 rounding; its output is cast back.
/// The base is a <see cref="Linear"/> (LoRA) or an <see cref="Nf4Linear"/> (QLoRA).
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "base_layer")] private nn.Module<Tensor, Tensor> baseLayer;
    [ComponentName(Name = "lora_A")] private Parameter a;
    [ComponentName(Name = "lora_B")] private Parameter b;
    [ComponentName(Name = "lora_dropout")] private Dropout dropout;
    private readonly double scale;

    public LoraLinear(nn.Module<Tensor, Tensor> baseLayer, long inFeatures, long outFeatures, LoraSettings settings, Device device)
        : base(nameof(LoraLinear))
    {
        if (baseLayer is not (Linear or Nf4Linear))
            throw new ArgumentException("the base must be a Linear or an Nf4Linear.", nameof(baseLayer));
        this.baseLayer = baseLayer;
        a = new Parameter(empty([settings.Rank, inFeatures], ScalarType.Float32, device));
        b = new Parameter(zeros([outFeatures, settings.Rank], ScalarType.Float32, device));
        if (device.type != DeviceType.META)
            using (no_grad()) nn.init.kaiming_uniform_(a, Math.Sqrt(5)); // as nn.Linear and PEFT
        dropout = nn.Dropout(settings.Dropout);
        scale = settings.Scale;
        RegisterComponents();
        foreach (var p in baseLayer.parameters()) p.requires_grad = false;
    }

    public Parameter A => a;
    public Parameter B => b;
    public nn.Module<Tensor, Tensor> Base => baseLayer;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var update = nn.functional.linear(nn.functional.linear(dropout.call(x.to(ScalarType.Float32)), a), b) * scale; // (…, out)
        return (baseLayer.call(x) + update.to(x.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// W + (alpha / r) · B A in <paramref name="dtype"/>, (out, in): the weight a plain linear needs to give the same output.
    /// </summary>
    public Tensor MergedWeight(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var dense = baseLayer is Nf4Linear nf4 ? nf4.DenseWeight() : ((Linear)baseLayer).Weight;
        var merged = dense.to(ScalarType.Float32) + b.matmul(a) * scale;
        return merged.to(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>The frozen bias of the base, if any.</summary>
    public Tensor? Bias => baseLayer is Nf4Linear nf4 ? nf4.Bias : ((Linear)baseLayer).Bias;
}
