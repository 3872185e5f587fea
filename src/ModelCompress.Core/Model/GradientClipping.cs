using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// Clipping the global gradient norm of parameters that may live on several devices. On one device it is libtorch's
/// <c>clip_grad_norm_</c> itself (so single-device training is unchanged); across devices, each gradient's norm is moved to the
/// first parameter's device (libtorch's version stacks the norms where they are, which fails across GPUs) and the clipping
/// factor to each gradient's device.
/// </summary>
public static class GradientClipping
{
    /// <summary>Scales every gradient by min(1, max_norm / (total L2 norm + 1e-6)); returns the total norm before clipping.</summary>
    public static double ClipNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        var withGrad = parameters.Where(p => p.grad is not null).ToList();
        if (withGrad.Select(p => (p.device_type, p.device_index)).Distinct().Count() <= 1)
            return nn.utils.clip_grad_norm_(parameters, maxNorm);
        return ClipAcrossDevices(withGrad, maxNorm);
    }

    /// <summary>The several-device path, also callable on one device (tests compare it with libtorch's).</summary>
    public static double ClipAcrossDevices(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var home = parameters[0].device;
        var norms = parameters.Select(p => p.grad!.norm().to(home)).ToArray();
        var total = stack(norms).norm();
        var coefficient = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var p in parameters) p.grad!.mul_(coefficient.to(p.device));
        return total.item<float>();
    }
}
