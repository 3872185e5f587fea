using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>
/// Rotary position embedding in the Hugging Face layout: each head's two halves form the rotated pairs
/// (rotate_half), not adjacent elements as in Meta's and llama2.c's layout. Supports Llama-3.1's "llama3" frequency scaling.
/// Frequencies are kept as a managed array, not a tensor, so they never enter the state dict.
/// </summary>
public sealed class RotaryEmbedding
{
    private readonly float[] inverseFrequencies;

    public RotaryEmbedding(LlamaConfig config)
    {
        int half = config.HeadDim / 2;
        var inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.Pow(config.RopeTheta, 2.0 * i / config.HeadDim);
        if (config.RopeScaling is { } scaling) ApplyLlama3Scaling(inv, scaling);
        inverseFrequencies = inv.Select(v => (float)v).ToArray();
    }

    /// <summary>cos and sin for positions [start, start+length), each (length, head_dim), in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Table(long start, long length, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var positions = arange(start, start + length, dtype: ScalarType.Float32, device: device);
        var freqs = outer(positions, tensor(inverseFrequencies, device: device)); // (T, D/2)
        var angles = cat([freqs, freqs], dim: -1);                               // (T, D)
        return scope.MoveToOuter(angles.cos().to(dtype), angles.sin().to(dtype));
    }

    /// <summary>cos and sin for each row's own positions (B, T) int64, each (B, 1, T, head_dim): a left-padded batch.</summary>
    public (Tensor Cos, Tensor Sin) Table(Tensor positions, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var freqs = positions.to(ScalarType.Float32).unsqueeze(-1) * tensor(inverseFrequencies, device: positions.device); // (B, T, D/2)
        var angles = cat([freqs, freqs], dim: -1).unsqueeze(1);                                                         // (B, 1, T, D)
        return scope.MoveToOuter(angles.cos().to(dtype), angles.sin().to(dtype));
    }

    /// <summary>
    /// Rotates q or k (B, H, T, D) by the table of <see cref="Table(long, long, Device, ScalarType)"/> or
    /// <see cref="Table(Tensor, ScalarType)"/>.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], dim: -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }

    // Llama-3.1 scaling: long wavelengths are divided by `factor`, short ones kept, the band between is interpolated.
    private static void ApplyLlama3Scaling(double[] inv, Llama3RopeScaling s)
    {
        double lowFreqWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highFreqWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowFreqWavelen) inv[i] /= s.Factor;
            else if (wavelen >= highFreqWavelen)
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                inv[i] = (1 - smooth) * inv[i] / s.Factor + smooth * inv[i];
            }
        }
    }
}
