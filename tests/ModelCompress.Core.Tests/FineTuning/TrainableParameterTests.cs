using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Tests.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>The paper's trainable-parameter counts for Llama-3.1-8B pruned to 24 layers, built on the meta device.</summary>
public sealed class TrainableParameterTests
{
    private static long Count(FineTuneMethod method, int trainableLayers)
    {
        var config = LlamaConfig.Parse(ArchitectureContractTests.Llama31_8B, "config.json");
        using var model = FineTuneModel.Create(config, method, new LoraSettings(), device("meta"), ScalarType.BFloat16,
                                               Enumerable.Range(0, 24).ToArray());
        return FineTuneModel.SelectTrainable(model, method, trainableLayers).Sum(p => p.Parameter.numel());
    }

    [Fact]
    public void Partial_Last3Layers_Llama31_8B_Pruned24_Trains1_179_676_672() =>
        Assert.Equal(1_179_676_672L, Count(FineTuneMethod.Partial, 3));

    [Fact]
    public void Lora_R8_AllProjections_Llama31_8B_Pruned24_Trains15_728_640() =>
        Assert.Equal(15_728_640L, Count(FineTuneMethod.Lora, 0));

    [Fact]
    public void QLora_TrainsSameAdaptersAsLora() => Assert.Equal(15_728_640L, Count(FineTuneMethod.QLora, 0));

    [Fact]
    public void Partial_ZeroLayers_TrainsOnlyHeadAndNorm() =>
        Assert.Equal(128256L * 4096 + 4096, Count(FineTuneMethod.Partial, 0));

    [Fact]
    public void Partial_TiedModel_IsUntiedWithItsOwnHead()
    {
        using var model = FineTuneModel.Create(TinyModels.Config(tied: true), FineTuneMethod.Partial, new LoraSettings(), CPU, ScalarType.Float32);
        Assert.NotNull(model.Head);
        Assert.False(model.Config.TieWordEmbeddings);
        Assert.Contains(model.named_parameters(), p => p.name == "lm_head.weight");
    }
}
