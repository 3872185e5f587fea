using static TorchSharp.torch;

namespace ModelCompress.Core.Repair;

/// <summary>
/// Accumulates the normal equations of min_T ‖X·T − D‖² in float64 (XᵀX and XᵀD, each hidden × hidden, so the token count
/// never matters for memory) and solves them with a ridge term that pulls T towards the identity:
/// T = (XᵀX + λI)⁻¹ (XᵀD + λI), λ = ridge · trace(XᵀX) / hidden. Towards I rather than towards 0: a direction the
/// calibration text never excites keeps the plain pruned model's behaviour instead of being switched off.
/// </summary>
internal sealed class LeastSquares(long hidden, Device device) : IDisposable
{
    private readonly Tensor xtx = zeros(hidden, hidden, ScalarType.Float64, device);
    private readonly Tensor xtd = zeros(hidden, hidden, ScalarType.Float64, device);

    /// <summary>Adds rows x (…, hidden) with targets d (…, hidden).</summary>
    public void Add(Tensor x, Tensor d)
    {
        using var scope = NewDisposeScope();
        var x2 = x.reshape(-1, hidden).to(ScalarType.Float64); // (N, hidden)
        var d2 = d.reshape(-1, hidden).to(ScalarType.Float64); // (N, hidden)
        xtx.add_(x2.t().matmul(x2));
        xtd.add_(x2.t().matmul(d2));
    }

    /// <summary>T (hidden, hidden) in float64.</summary>
    public Tensor Solve(double ridge)
    {
        using var scope = NewDisposeScope();
        double lambda = ridge * xtx.diagonal().sum().item<double>() / hidden;
        var identity = eye(hidden, dtype: ScalarType.Float64, device: xtx.device);
        return linalg.solve(xtx + lambda * identity, xtd + lambda * identity).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        xtx.Dispose();
        xtd.Dispose();
    }
}
