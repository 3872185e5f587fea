using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Model;

public sealed class Stories260KTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static readonly int[] Tokens = [1, 403, 407, 261, 378, 275, 261, 1, 91, 500, 17, 3, 300, 299, 298, 410];

    private static double[][] Logits(LlamaForCausalLM model, int[] tokens)
    {
        using var noGrad = no_grad();
        using var logits = model.forward(tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0))[0].to(ScalarType.Float64);
        return Enumerable.Range(0, tokens.Length).Select(i => logits[i].data<double>().ToArray()).ToArray();
    }

    [Fact]
    public void Convert_Llama2c_LogitsMatchIndependentLlama2cForward()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var expected = new Llama2cReference(SharedData.Stories260K).Forward(Tokens);
        var actual = Logits(model, Tokens);
        double maxError = 0;
        for (int p = 0; p < Tokens.Length; p++)
            for (int v = 0; v < expected[p].Length; v++) maxError = Math.Max(maxError, Math.Abs(expected[p][v] - actual[p][v]));
        Assert.True(maxError < 1e-4, $"max |logit difference| {maxError}");
        Assert.Equal(512, expected[0].Length);
    }

    [Fact]
    public void Convert_Llama2c_WritesHfConfigAndTokenizer()
    {
        var config = LlamaConfig.Load(stories.Folder);
        Assert.Equal((64, 172, 5, 8, 4, 512, 512, true), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers,
            config.NumAttentionHeads, config.NumKeyValueHeads, config.VocabSize, config.MaxPositionEmbeddings, config.TieWordEmbeddings));
        Assert.Equal(File.ReadAllBytes(SharedData.Tok512), File.ReadAllBytes(Path.Combine(stories.Folder, "tokenizer.model")));
        using var reader = CheckpointReader.Open(stories.Folder);
        Assert.DoesNotContain("lm_head.weight", reader.Names);
        Assert.Equal(2 + 5 * 9, reader.Names.Count());
    }

    [Fact]
    public void Forward_WithKvCache_EqualsFullForward()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var full = Logits(model, Tokens);
        using var noGrad = no_grad();
        using var cache = model.NewCache();
        var prefix = Tokens[..5].Select(t => (long)t).ToArray();
        using (var first = model.forward(tensor(prefix).unsqueeze(0), cache)) { }
        for (int p = 5; p < Tokens.Length; p++)
        {
            using var step = model.forward(tensor(new long[] { Tokens[p] }).unsqueeze(0), cache);
            var row = step[0, 0].to(ScalarType.Float64).data<double>().ToArray();
            double maxError = row.Zip(full[p]).Max(x => Math.Abs(x.First - x.Second));
            Assert.True(maxError < 1e-4, $"position {p}: max |logit difference| {maxError}");
        }
        Assert.Equal(Tokens.Length, cache.Length);
    }

    [Fact]
    public void Forward_DoesNotLeakTensors()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        using var noGrad = no_grad();
        using var ids = tensor(Tokens.Select(t => (long)t).ToArray()).unsqueeze(0);
        using (var warmup = model.forward(ids)) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var logits = model.forward(ids))
            Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Forward_Bf16_StaysCloseToFp32()
    {
        using var fp32 = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        using var bf16 = HfModelFolder.Load(stories.Folder, CPU, ScalarType.BFloat16);
        var a = Logits(fp32, Tokens);
        var b = Logits(bf16, Tokens);
        Assert.Equal(ScalarType.BFloat16, bf16.Model.Embedding.Weight.dtype);
        double maxError = a.Zip(b).Max(pair => pair.First.Zip(pair.Second).Max(x => Math.Abs(x.First - x.Second)));
        Assert.InRange(maxError, 1e-6, 0.5);
    }
}
