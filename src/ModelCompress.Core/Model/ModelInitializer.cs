using static TorchSharp.torch;

namespace ModelCompress.Core.Model;

/// <summary>Random initialization for benchmarks and tests: N(0, std) for matrices, ones for norms, zeros for biases.</summary>
public static class ModelInitializer
{
    public static void Randomize(nn.Module model, long seed, double std = 0.02)
    {
        using var noGrad = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.fill_(1.0);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else p.normal_(0, std, generator);
        }
    }
}
