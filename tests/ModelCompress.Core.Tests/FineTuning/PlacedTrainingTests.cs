using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Planning;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>
/// Healing a model placed over 2 and 3 CPU slots (every boundary a real copy, gradients flowing back across it) gives the
/// loss and the updated weights of one device exactly: two partial-heal steps (last 2 layers, lm_head, norm; with the
/// hidden-state cache) and two LoRA steps, stories260K.
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class PlacedTrainingTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private (List<TrainingExample> Train, List<TrainingExample> Validation) Data()
    {
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        string text = File.ReadAllText(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"))[..3000];
        return DataSplit.Split(TrainingExamples.FromText(text, tokenizer, 32), 2, 42, "tinystories");
    }

    private (FineTuneResult Result, Dictionary<string, Tensor> Weights, LayerPlacement Placement) Train(TrainingOptions options, int slots)
    {
        var (train, validation) = Data();
        var devices = Enumerable.Repeat(CPU, slots).ToList();
        using var model = FineTuneModel.Load(stories.Folder, options.Method, options.Lora,
            DevicePlacement.Rule(devices, ScalarType.Float32, options), ScalarType.Float32);
        var result = Trainer.Train(model, train, validation, options);
        return (result, model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone()), model.Placement);
    }

    private static TrainingOptions Options(FineTuneMethod method) => new()
    {
        Method = method, TrainableLayers = 2, LearningRate = 1e-3, Epochs = 1, BatchSize = 4, MicroBatchSize = 2, WarmupSteps = 0,
        MaxLength = 32, ValidationSize = 2, EvalSteps = 1, MaxSteps = 2,
    };

    [Theory]
    [InlineData(FineTuneMethod.Partial, 2)]
    [InlineData(FineTuneMethod.Partial, 3)]
    [InlineData(FineTuneMethod.Lora, 2)]
    [InlineData(FineTuneMethod.Lora, 3)]
    public void TrainingSteps_AreBitIdentical_OverCpuSlots(FineTuneMethod method, int slots)
    {
        var options = Options(method);
        var (one, oneWeights, _) = Train(options, 1);
        var (placed, placedWeights, placement) = Train(options, slots);
        Assert.Equal(slots, placement.Count);
        Assert.All(placement.LayersPerSlot, n => Assert.True(n > 0));
        Assert.Equal(2, placed.Steps);
        Assert.Equal(one.LossCurve.Select(p => (p.TrainLoss, p.ValidationLoss)),
                     placed.LossCurve.Select(p => (p.TrainLoss, p.ValidationLoss)));
        Assert.Equal(oneWeights.Keys.Order(), placedWeights.Keys.Order());
        foreach (var (name, weight) in oneWeights)
            Assert.True(equal(weight, placedWeights[name]).all().item<bool>(), $"{name} differs");
    }

    [Fact]
    public void PartialPlacement_GivesTheTrainedLastLayersFewerPeers()
    {
        // stories260K: 5 layers, tied (untied for partial); the last 2 layers and lm_head carry gradients and AdamW states.
        var (_, _, placement) = Train(Options(FineTuneMethod.Partial) with { MaxSteps = 1 }, 2);
        Assert.True(placement.LayersPerSlot[1] < placement.LayersPerSlot[0], placement.Describe());
    }

    [Fact]
    public void ClippingAcrossDevices_MatchesLibtorchs()
    {
        var generator = new Generator(9);
        Parameter Grad(params long[] shape)
        {
            var p = new Parameter(zeros(shape));
            p.grad = randn(shape, generator: generator) * 3;
            return p;
        }
        var a = new[] { Grad(4, 5), Grad(7), Grad(3, 3) };
        var b = a.Select(p => { var q = new Parameter(zeros(p.shape)); q.grad = p.grad!.clone(); return q; }).ToArray();
        double libtorch = nn.utils.clip_grad_norm_(a, 1.0);
        double ours = GradientClipping.ClipAcrossDevices(b, 1.0);
        Assert.Equal(libtorch, ours, 5);
        for (int i = 0; i < a.Length; i++) Assert.True(allclose(a[i].grad!, b[i].grad!, rtol: 1e-6, atol: 1e-7));
        Assert.True(a[0].grad!.norm().item<float>() < 1);
    }
}
