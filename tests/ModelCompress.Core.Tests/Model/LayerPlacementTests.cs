using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Demo;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Model;
using ModelCompress.Core.Planning;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Model;

/// <summary>
/// A pipeline of layers over 2 and 3 CPU slots (repeated cpu devices: every boundary is a real copy) gives exactly the logits of
/// one device: stories260K (tied head, 5 layers) and the demo architecture (untied, 8 layers, GQA), with and without a KV cache.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class LayerPlacementTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    private static IReadOnlyList<Device> Slots(int n) => [.. Enumerable.Repeat(CPU, n)];

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && equal(a, b).all().item<bool>();

    private string Demo()
    {
        string folder = temp["demo"];
        using var model = ModelFactory.Create(DemoAssets.Config(40), CPU, ScalarType.Float32);
        ModelInitializer.Randomize(model, seed: 5);
        HfModelFolder.Save(model, folder);
        return folder;
    }

    [Fact]
    public void Balance_MinimizesTheLargestSlot_WithTheEndsOwnCosts()
    {
        var even = LayerPlacement.Balance(Slots(2), [1, 1, 1, 1, 1, 1], 0, 0);
        Assert.Equal([0, 0, 0, 1, 1, 1], even.LayerSlots);
        // lm_head (cost 2) on the last slot: loads 2 | 3 | 1 + 2.
        var headed = LayerPlacement.Balance(Slots(3), [1, 1, 1, 1, 1, 1], 0, 2);
        Assert.Equal([2, 3, 1], headed.LayersPerSlot);
        // Trained last layers cost 4x: the last slot takes fewer layers.
        var trained = LayerPlacement.Balance(Slots(2), [1, 1, 1, 1, 4, 4], 0, 0);
        Assert.Equal([0, 0, 0, 0, 1, 1], trained.LayerSlots);
        Assert.Equal("cpu layers 0-3 | cpu layers 4-5", trained.Describe());
        Assert.Equal([0, 0, 0], LayerPlacement.Balance(Slots(1), [5, 5, 5], 9, 9).LayerSlots);
        var error = Assert.Throws<InvalidInputException>(() => LayerPlacement.Balance(Slots(4), [1, 1, 1], 0, 0));
        Assert.Contains("compute.devices lists 4 devices but the model has 3 decoder layers", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Stories260K_Logits_AreBitIdentical_OverCpuSlots(int slots) => AssertSameLogits(stories.Folder, slots, vocab: 512);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void DemoArchitecture_Logits_AreBitIdentical_OverCpuSlots(int slots) => AssertSameLogits(Demo(), slots, vocab: 40);

    private static void AssertSameLogits(string folder, int slots, int vocab)
    {
        using var one = HfModelFolder.Load(folder, CPU, ScalarType.Float32);
        using var placed = HfModelFolder.Load(folder, DevicePlacement.Rule(Slots(slots), ScalarType.Float32), ScalarType.Float32);
        Assert.Equal(slots, placed.Placement.Count);
        Assert.All(placed.Placement.LayersPerSlot, n => Assert.True(n > 0));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = randint(1, vocab, [2, 12], generator: new Generator(3));
        Assert.True(Same(one.forward(ids), placed.forward(ids)));

        // Generation's path: a prompt into a KV cache, then one token at a time.
        using var cacheOne = one.NewCache();
        using var cachePlaced = placed.NewCache();
        Assert.True(Same(one.forward(ids[..1], cacheOne), placed.forward(ids[..1], cachePlaced)));
        var next = tensor(new long[] { 7 }).view(1, 1);
        Assert.True(Same(one.forward(next, cacheOne), placed.forward(next, cachePlaced)));
        var prompt = new[] { 1, 5, 9 };
        Assert.Equal(TextGenerator.Generate(one, prompt, new GenerationOptions(6)),
                     TextGenerator.Generate(placed, prompt, new GenerationOptions(6)));
    }

    [Fact]
    public void PackedRows_AndLayerByLayerRuns_AreBitIdentical_OverThreeSlots()
    {
        string folder = Demo();
        using var one = HfModelFolder.Load(folder, CPU, ScalarType.Float32);
        using var placed = HfModelFolder.Load(folder, DevicePlacement.Rule(Slots(3), ScalarType.Float32), ScalarType.Float32);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var ids = randint(1, 40, [2, 10], generator: new Generator(4));
        var positions = arange(10L).repeat(2, 1);
        var allowed = ones(10, 10, ScalarType.Bool).tril().expand(2, 10, 10);
        Assert.True(Same(new PackedDecoder(one).Hidden(ids, positions, allowed),
                         new PackedDecoder(placed).Hidden(ids, positions, allowed)));

        var h = one.Model.Embedding.call(ids);
        Assert.True(Same(one.Output(one.Model.RunLayers(h, 0, 8)), placed.Output(placed.Model.RunLayers(h, 0, 8))));
        Assert.True(Same(one.Model.RunLayers(h, 2, 6), placed.Model.RunLayers(h, 2, 6)));
    }

    [Fact]
    public void ForwardPass_LeaksNoTensors_OverSlots()
    {
        using var placed = HfModelFolder.Load(Demo(), DevicePlacement.Rule(Slots(2), ScalarType.Float32), ScalarType.Float32);
        using var noGrad = no_grad();
        using var ids = tensor(new long[] { 1, 2, 3, 4 }).view(1, 4);
        using (var warmup = placed.forward(ids)) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var logits = placed.forward(ids))
            Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    public void Dispose() => temp.Dispose();
}
