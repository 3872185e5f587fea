using ModelCompress.Core.FineTuning;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

public sealed class Nf4Tests
{
    [Fact]
    public void QuantizeDequantize_ErrorWithinFormatBound_StorageUnder30PercentOfBf16()
    {
        var generator = new Generator(7);
        using var weight = randn([256, 512], generator: generator) * 0.02;
        using var nf4 = Nf4Weight.Quantize(weight, ScalarType.Float32);
        using var restored = nf4.Dequantize();
        using var blocks = weight.reshape(-1, Nf4Weight.BlockSize);
        using var absmax = blocks.abs().amax([1]);
        using var scales = nf4.BlockScales();
        // Per element: rounding to the nearest level (at most half the widest level gap, times the block's absmax) plus the
        // error of the double-quantized absmax itself (times |level| <= 1).
        using var bound = absmax * Nf4Weight.MaxLevelError + (absmax - scales).abs() + 1e-7;
        using var error = (restored.reshape(-1, Nf4Weight.BlockSize) - blocks).abs();
        Assert.True(error.le(bound.unsqueeze(1)).all().item<bool>());
        // The scale error of double quantization is tiny next to the level error.
        Assert.True((absmax - scales).abs().max().item<float>() < 0.01 * absmax.max().item<float>());
        double relativeRms = ((restored - weight).pow(2).mean().sqrt() / weight.pow(2).mean().sqrt()).item<float>();
        Assert.InRange(relativeRms, 0.05, 0.15); // NF4 on Gaussian weights: about 0.1
        Assert.True(nf4.StorageBytes <= 0.30 * weight.numel() * 2, $"{nf4.StorageBytes} bytes");
    }

    [Fact]
    public void Quantize_ExactLevelsTimesAbsmax_RoundTripExactly()
    {
        var values = Enumerable.Range(0, 128).Select(i => Nf4Weight.Levels[i % 16] * 0.5f).ToArray();
        using var weight = tensor(values).reshape(2, 64);
        using var nf4 = Nf4Weight.Quantize(weight, ScalarType.Float32);
        using var restored = nf4.Dequantize();
        Assert.True(restored.allclose(weight, rtol: 0, atol: 1e-6));
    }
}
