using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// A weight stored as 4-bit NormalFloat (NF4) with double quantization (Dettmers et al., 2023, "QLoRA"): blocks of
/// <see cref="BlockSize"/> values are scaled by their absmax and rounded to the nearest of 16 levels that are quantiles of a
/// standard normal; two 4-bit codes are packed per byte. The fp32 absmax scales are themselves quantized (after subtracting
/// their mean) to int8 in blocks of <see cref="ScaleBlockSize"/> with one fp32 scale each — linear int8 here, where
/// bitsandbytes uses a dynamic 8-bit float map. Storage: 4 + 8/64 + 32/(64·256) ≈ 4.127 bits per value (25.8% of bf16).
/// </summary>
public sealed class Nf4Weight : IDisposable
{
    /// <summary>Values per absmax block.</summary>
    public const int BlockSize = 64;
    /// <summary>Absmax scales per second-level block.</summary>
    public const int ScaleBlockSize = 256;

    /// <summary>The 16 NF4 levels in [-1, 1] (QLoRA, appendix E; as in bitsandbytes).</summary>
    public static readonly float[] Levels =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
        -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
        0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    /// <summary>Half the widest gap between adjacent levels: the largest rounding error of a normalized value.</summary>
    public static double MaxLevelError { get; } = Enumerable.Range(1, 15).Max(i => Levels[i] - Levels[i - 1]) / 2.0;

    private readonly Tensor codes;        // (N/2) uint8: even element in the high nibble, odd in the low
    private readonly Tensor scaleCodes;   // (N/64) int8
    private readonly Tensor scaleScales;  // (ceil(N/64/256)) fp32
    private readonly double scaleOffset;  // mean of the absmax scales
    private readonly long count;

    private Nf4Weight(Tensor codes, Tensor scaleCodes, Tensor scaleScales, double scaleOffset, long[] shape, ScalarType dtype)
    {
        (this.codes, this.scaleCodes, this.scaleScales, this.scaleOffset) = (codes, scaleCodes, scaleScales, scaleOffset);
        Shape = shape;
        DType = dtype;
        count = shape.Aggregate(1L, (a, d) => a * d);
    }

    /// <summary>The original shape.</summary>
    public long[] Shape { get; }

    /// <summary>The dtype <see cref="Dequantize"/> returns.</summary>
    public ScalarType DType { get; }

    /// <summary>Bytes held by the quantized form (codes, int8 scales, fp32 second-level scales, offset).</summary>
    public long StorageBytes => codes.numel() + scaleCodes.numel() + scaleScales.numel() * 4 + 8;

    /// <summary>
    /// Quantizes <paramref name="weight"/> (numel a multiple of 128); <see cref="Dequantize"/> returns <paramref name="dtype"/>.
    /// </summary>
    public static Nf4Weight Quantize(Tensor weight, ScalarType dtype)
    {
        if (weight.numel() % (2 * BlockSize) != 0)
            throw new ArgumentException(
                $"NF4 needs a multiple of {2 * BlockSize} values; got shape [{string.Join(", ", weight.shape)}].", nameof(weight));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var blocks = weight.detach().to(ScalarType.Float32).reshape(-1, BlockSize);           // (N/64, 64)
        var absmax = blocks.abs().amax([1], keepdim: true).clamp_min(1e-12);                   // (N/64, 1)
        var levels = tensor(Levels, device: weight.device);
        var midpoints = (levels[TensorIndex.Slice(1)] + levels[TensorIndex.Slice(0, -1)]) / 2;   // (15)
        var index = bucketize(blocks / absmax, midpoints).to(ScalarType.Byte).reshape(-1, 2);   // (N/2, 2)
        var packed = (index[.., 0] * 16 + index[.., 1]).to(ScalarType.Byte);                    // (N/2)

        var scales = absmax.reshape(-1);                                                        // (N/64)
        double offset = scales.mean().item<float>();
        int pad = (int)((ScaleBlockSize - scales.shape[0] % ScaleBlockSize) % ScaleBlockSize);
        var centered = nn.functional.pad(scales - offset, [0, pad]).reshape(-1, ScaleBlockSize); // (S, 256)
        var scaleOfScales = centered.abs().amax([1], keepdim: true).clamp_min(1e-12) / 127;    // (S, 1)
        var scaleCodes = (centered / scaleOfScales).round().clamp(-127, 127).to(ScalarType.Int8)
            .reshape(-1)[TensorIndex.Slice(0, scales.shape[0])];
        return new Nf4Weight(packed.contiguous().DetachFromDisposeScope(), scaleCodes.contiguous().DetachFromDisposeScope(),
                             scaleOfScales.reshape(-1).DetachFromDisposeScope(), offset, weight.shape, dtype);
    }

    /// <summary>The absmax scale of each block after double quantization, (N/64) fp32.</summary>
    public Tensor BlockScales()
    {
        using var scope = NewDisposeScope();
        long n = scaleCodes.shape[0];
        var perScale = scaleScales.repeat_interleave(ScaleBlockSize)[TensorIndex.Slice(0, n)]; // (N/64)
        return (scaleCodes.to(ScalarType.Float32) * perScale + scaleOffset).MoveToOuterDisposeScope();
    }

    /// <summary>The weight in <see cref="DType"/> with its original shape.</summary>
    public Tensor Dequantize()
    {
        using var scope = NewDisposeScope();
        var levels = tensor(Levels, device: codes.device);
        var high = codes.bitwise_right_shift(4).to(ScalarType.Int64);                  // (N/2)
        var low = codes.bitwise_and(15).to(ScalarType.Int64);                           // (N/2)
        var index = stack([high, low], 1).reshape(-1, BlockSize);                       // (N/64, 64)
        var values = levels.take(index) * BlockScales().unsqueeze(1);                   // (N/64, 64)
        return values.reshape(Shape).to(DType).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        codes.Dispose();
        scaleCodes.Dispose();
        scaleScales.Dispose();
    }
}
