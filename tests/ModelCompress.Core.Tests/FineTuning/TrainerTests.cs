using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>
/// Real training on stories260K pruned to 4 of its 5 layers, healed on TinyStories text (the first 12,000 characters of the shared
/// validation head, packed into 64-token windows).
/// </summary>
[Collection(GlobalRngCollection.Name)]
public sealed class TrainerTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static readonly TrainingOptions Fast = new()
    {
        Method = FineTuneMethod.Partial, TrainableLayers = 3, LearningRate = 2e-3, Epochs = 2, BatchSize = 8, MicroBatchSize = 4,
        WarmupSteps = 2, MaxLength = 64, ValidationSize = 8, EvalSteps = 4, SaveSteps = 3,
    };

    private string Pruned()
    {
        string folder = Path.Combine(Path.GetDirectoryName(stories.Folder)!, "pruned4");
        if (Directory.Exists(folder)) return folder;
        lock (typeof(TrainerTests))
        {
            if (Directory.Exists(folder)) return folder;
            using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32, [0, 1, 2, 3]);
            HfModelFolder.Save(model, folder, stories.Folder);
        }
        return folder;
    }

    private (List<TrainingExample> Train, List<TrainingExample> Validation) Data(TrainingOptions options)
    {
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        string text = File.ReadAllText(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"))[..12_000];
        return DataSplit.Split(TrainingExamples.FromText(text, tokenizer, options.MaxLength), options.ValidationSize, options.Seed, "tinystories");
    }

    private (FineTuneResult Result, Dictionary<string, Tensor> Weights) Run(TrainingOptions options, string? checkpoint = null,
                                                                           IProgressSink? progress = null, CancellationToken cancel = default)
    {
        var (train, validation) = Data(options);
        using var model = FineTuneModel.Load(Pruned(), options.Method, options.Lora, CPU, ScalarType.Float32);
        var result = Trainer.Train(model, train, validation, options, checkpoint, progress, cancel);
        return (result, model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone()));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static double Perplexity(LlamaForCausalLM model, IReadOnlyList<TrainingExample> examples)
    {
        model.eval();
        using var noGrad = no_grad();
        var (ids, targets) = Batch.Collate(examples, CPU);
        using var loss = Batch.SumLoss(model.forward(ids), targets);
        return Math.Exp(loss.item<float>() / examples.Sum(e => e.LabelCount));
    }

    [Fact]
    public void Partial_HealsPrunedStories260K_HeldOutPerplexityDrops_FrozenTensorsBitIdentical()
    {
        var (train, validation) = Data(Fast);
        using var model = FineTuneModel.Load(Pruned(), FineTuneMethod.Partial, Fast.Lora, CPU, ScalarType.Float32);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        double unhealed = Perplexity(model, validation);

        var result = Trainer.Train(model, train, validation, Fast);

        double healed = Perplexity(model, validation);
        Assert.True(healed < unhealed * 0.8, $"perplexity {unhealed:F2} -> {healed:F2}");
        Assert.True(result.LossCurve[^1].TrainLoss < result.LossCurve[0].TrainLoss);
        Assert.Equal(train.Count + validation.Count, result.PrefixPasses); // each example's prefix ran once over 2 epochs
        var trained = FineTuneModel.SelectTrainable(model, FineTuneMethod.Partial, 3).Select(p => p.Name).ToHashSet();
        foreach (var (name, parameter) in model.named_parameters())
        {
            bool same = Same(parameter, before[name]);
            Assert.True(trained.Contains(name) ? !same : same, $"{name}: trained={trained.Contains(name)}, unchanged={same}");
        }
    }

    [Fact]
    public void SameSeed_TwoRuns_BitIdentical()
    {
        var options = Fast with { Epochs = 1, MaxSteps = 4 };
        var (a, weightsA) = Run(options);
        var (b, weightsB) = Run(options);
        Assert.Equal(a.LossCurve, b.LossCurve);
        foreach (var (name, t) in weightsA) Assert.True(Same(t, weightsB[name]), name);
    }

    [Fact]
    public void CancelledThenResumed_EqualsUninterruptedRun()
    {
        using var temp = new TempFolder();
        var options = Fast with { Method = FineTuneMethod.Lora, Epochs = 1, MaxSteps = 6, Lora = new LoraSettings(Rank: 4) };
        var (whole, wholeWeights) = Run(options);

        using var cancel = new CancellationTokenSource();
        var stopAfter3 = new CancelAfter(3, cancel);
        Assert.Throws<OperationCanceledException>(() => Run(options, temp.Path, stopAfter3, cancel.Token));
        var (resumed, resumedWeights) = Run(options, temp.Path);

        Assert.Equal(3, resumed.ResumedFromStep);
        Assert.Equal(whole.LossCurve, resumed.LossCurve);
        Assert.Equal(whole.BestStep, resumed.BestStep);
        foreach (var (name, t) in wholeWeights) Assert.True(Same(t, resumedWeights[name]), name);
    }

    [Fact]
    public void HiddenStateCache_GivesTheSameLossAsFullForward()
    {
        var options = Fast with { Epochs = 1, MaxSteps = 3 };
        var (cached, _) = Run(options);
        var (plain, _) = Run(options with { HiddenStateCache = false });
        for (int i = 0; i < cached.LossCurve.Count; i++)
            Assert.Equal(plain.LossCurve[i].TrainLoss, cached.LossCurve[i].TrainLoss, 1e-4);
    }

    [Fact]
    public void HiddenStateCache_FillingEpoch_BitIdenticalToFullForward()
    {
        // In the first epoch every micro-batch is new, so the prefix runs at the uncached forward's batch shape.
        var options = Fast with { Epochs = 1 };
        var (cached, cachedWeights) = Run(options);
        var (plain, plainWeights) = Run(options with { HiddenStateCache = false });
        Assert.Equal(plain.LossCurve, cached.LossCurve);
        foreach (var (name, t) in plainWeights) Assert.True(Same(t, cachedWeights[name]), name);
    }

    private sealed class CancelAfter(int steps, CancellationTokenSource source) : IProgressSink, IProgressTask
    {
        private int done;
        public IProgressTask Start(string name, long total, string unit) => this;
        public void Message(string text) { }
        public void Advance(long count, string? status = null)
        {
            if ((done += (int)count) == steps) source.Cancel();
        }
        public void Dispose() { }
    }
}
