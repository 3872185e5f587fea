using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

[Collection(GlobalRngCollection.Name)]
public sealed class LoraMergeTests
{
    private static readonly long[] Ids = [1, 5, 9, 33, 70, 2, 14, 88];

    private static Tensor Logits(LlamaForCausalLM model)
    {
        model.eval();
        using var noGrad = no_grad();
        using var ids = tensor(Ids).unsqueeze(0);
        return model.forward(ids);
    }

    [Theory]
    [InlineData(FineTuneMethod.Lora)]
    [InlineData(FineTuneMethod.QLora)]
    public void MergedExport_LogitsEqualAdapterModel_Within1e5(FineTuneMethod method)
    {
        using var temp = new TempFolder();
        var config = TinyModels.Config();
        using (var plain = ModelFactory.Create(config, CPU, ScalarType.Float32))
        {
            ModelInitializer.Randomize(plain, seed: 3, std: 0.1);
            HfModelFolder.Save(plain, temp["base"]);
        }
        using var adapted = FineTuneModel.Load(temp["base"], method, new LoraSettings(), CPU, ScalarType.Float32);
        using var baseline = Logits(adapted);
        using (no_grad())
            foreach (var (name, p) in adapted.named_parameters().Where(p => p.name.Contains(".lora_B")))
                p.normal_(0, 0.05, new Generator(11)); // non-zero B: the adapter really changes the output
        using var unmerged = Logits(adapted);
        Assert.True((unmerged - baseline).abs().max().item<float>() > 1e-2, "the adapter must change the logits");

        FineTuneExport.Save(adapted, temp["merged"], ScalarType.Float32);
        using var merged = HfModelFolder.Load(temp["merged"], CPU, ScalarType.Float32);
        using var mergedLogits = Logits(merged);
        float difference = (mergedLogits - unmerged).abs().max().item<float>();
        Assert.True(difference <= 1e-5, $"max |merged - unmerged| = {difference}");
    }

    [Fact]
    public void QLora_FrozenWeights_UnderThirtyPercentOfBf16()
    {
        using var model = FineTuneModel.Create(TinyModels.Config(), FineTuneMethod.QLora, new LoraSettings(), CPU, ScalarType.BFloat16);
        long nf4Bytes = 0, bf16Bytes = 0;
        foreach (var (_, module) in model.named_modules())
            if (module is Nf4Linear linear)
            {
                using var dense = randn(linear.OutFeatures, linear.InFeatures);
                linear.Load(dense);
                nf4Bytes += linear.Weight!.StorageBytes;
                bf16Bytes += dense.numel() * 2;
            }
        Assert.Equal(21, model.named_modules().Count(m => m.module is Nf4Linear));
        Assert.True(nf4Bytes <= 0.30 * bf16Bytes, $"{nf4Bytes} / {bf16Bytes}");
    }
}
