using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) * up(x)). Receives its projections from the builder.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private nn.Module<Tensor, Tensor> gate;
    [ComponentName(Name = "up_proj")] private nn.Module<Tensor, Tensor> up;
    [ComponentName(Name = "down_proj")] private nn.Module<Tensor, Tensor> down;

    public Mlp(nn.Module<Tensor, Tensor> gateProj, nn.Module<Tensor, Tensor> upProj, nn.Module<Tensor, Tensor> downProj) : base(nameof(Mlp))
    {
        gate = gateProj;
        up = upProj;
        down = downProj;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return down.call(nn.functional.silu(gate.call(x)) * up.call(x)).MoveToOuterDisposeScope();
    }
}
