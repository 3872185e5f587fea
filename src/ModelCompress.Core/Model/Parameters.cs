using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Creates module parameters that belong to their module, not to whatever dispose scope is active.</summary>
internal static class Parameters
{
    /// <summary>An uninitialized parameter (filled later from a checkpoint or by <see cref="ModelInitializer"/>).</summary>
    public static Parameter Empty(long[] shape, ScalarType dtype, Device device) =>
        (Parameter)new Parameter(empty(shape, dtype, device)).DetachFromDisposeScope();
}
