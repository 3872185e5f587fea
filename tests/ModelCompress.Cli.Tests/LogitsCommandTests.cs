using ModelCompress.Core.Checkpoints;
using static TorchSharp.torch;

namespace ModelCompress.Cli.Tests;

/// <summary><c>dotnet compress logits</c>: the file gpu/check.sh compares across devices holds the model's own forward pass.</summary>
public sealed class LogitsCommandTests : IDisposable
{
    private readonly TempFolder temp = new("mc-logits-");

    private string Model()
    {
        string model = Path.Combine(temp, "stories260K");
        var convert = CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K, "--tokenizer", SharedData.Tok512, "--out", model);
        Assert.True(convert.Code == 0, convert.Err);
        return model;
    }

    [Fact]
    public void Logits_WritesFp32LogitsOfTheForwardPass_GreedyNextTokenIsStoriesComma()
    {
        string model = Model(), file = Path.Combine(temp, "out", "logits.safetensors");
        var run = CliTestData.RunInProcess("logits", "--model", model, "--prompt", "Once upon a time", "--out", file, "--device", "cpu");
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal($"wrote {file}: 5 tokens x 512 logits (cpu, Float32)\n", run.Out);

        using var written = SafetensorsFile.Open(file);
        Assert.Equal(new long[] { 5, 512 }, written["logits"].Shape);
        Assert.Equal(TensorDType.F32, written["logits"].DType);
        using var ids = written.Read(written["ids"]);
        Assert.Equal(new long[] { 1, 403, 407, 261, 378 }, ids.data<long>().ToArray()); // BOS, then "Once upon a time" in tok512
        using var logits = written.Read(written["logits"]);
        using var llm = HfModelFolder.Load(model, CPU, ScalarType.Float32);
        using var expected = llm.forward(ids.unsqueeze(0))[0];
        Assert.True(expected.eq(logits).all().item<bool>(), "the file's logits differ from the model's forward pass");
        // stories260K continues "Once upon a time" with "," (its greedy text is "Once upon a time, there was ...").
        Assert.Equal(",", TokenizerOf(model).Decode([(int)logits[4].argmax().item<long>()]));
    }

    [Fact]
    public void Logits_Bf16_IsCloseToFp32AndStoredAsFp32()
    {
        string model = Model(), fp32 = Path.Combine(temp, "fp32.safetensors"), bf16 = Path.Combine(temp, "bf16.safetensors");
        Assert.Equal(0, CliTestData.RunInProcess("logits", "--model", model, "--prompt", "Lily", "--out", fp32, "--device", "cpu").Code);
        var run = CliTestData.RunInProcess("logits", "--model", model, "--prompt", "Lily", "--out", bf16, "--device", "cpu",
            "--dtype", "bf16");
        Assert.True(run.Code == 0, run.Err);
        using var a = SafetensorsFile.Open(fp32);
        using var b = SafetensorsFile.Open(bf16);
        Assert.Equal(TensorDType.F32, b["logits"].DType);
        Assert.Equal("BFloat16", b.Metadata["dtype"]);
        using var x = a.Read(a["logits"]);
        using var y = b.Read(b["logits"]);
        double diff = (x - y).abs().max().item<float>();
        Assert.InRange(diff, 1e-4, 0.5); // bf16 rounds (not bit-identical) but stays near fp32
    }

    [Fact]
    public void Logits_MissingModelFolder_Exits2()
    {
        var run = CliTestData.RunInProcess("logits", "--model", Path.Combine(temp, "none"), "--out", Path.Combine(temp, "x"),
            "--device", "cpu");
        Assert.Equal(2, run.Code);
    }

    private static Core.Tokenization.ITokenizer TokenizerOf(string folder) => Core.Tokenization.TokenizerLoader.FromFolder(folder);

    public void Dispose() => temp.Dispose();
}
