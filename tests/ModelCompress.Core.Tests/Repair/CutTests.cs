using ModelCompress.Core.Repair;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Repair;

public sealed class CutTests
{
    [Fact]
    public void Cuts_AreTheRunsOfRemovedLayers_WithTheKeptLayerBeforeEach()
    {
        Assert.Equal([new Cut(0, 1, 2)], Cut.Of([0, 3, 4], 5));
        Assert.Equal([new Cut(null, 0, 0), new Cut(1, 3, 4)], Cut.Of([1, 2], 5));
        Assert.Equal([new Cut(0, 1, 1), new Cut(1, 3, 3)], Cut.Of([0, 2, 4], 5));
    }

    [Fact]
    public void Cuts_RejectAnUnprunedOrDisorderedList()
    {
        Assert.Contains("no cut", Assert.Throws<InvalidInputException>(() => Cut.Of([0, 1, 2], 3)).Message);
        Assert.Contains("ascending", Assert.Throws<InvalidInputException>(() => Cut.Of([2, 1], 3)).Message);
    }

    [Fact]
    public void LeastSquares_RecoversAnExactMap_AndRidgePullsTowardsTheIdentity()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var x = randn(400, 6, ScalarType.Float64, generator: generator);
        var map = randn(6, 6, ScalarType.Float64, generator: generator);
        using var fit = new LeastSquares(6, CPU);
        fit.Add(x.narrow(0, 0, 150), x.narrow(0, 0, 150).matmul(map));
        fit.Add(x.narrow(0, 150, 250), x.narrow(0, 150, 250).matmul(map)); // accumulates over chunks
        Assert.True((fit.Solve(0) - map).abs().max().item<double>() < 1e-9);
        var strong = fit.Solve(1e6);
        Assert.True((strong - eye(6, dtype: ScalarType.Float64)).abs().max().item<double>() < 1e-3);
    }
}
