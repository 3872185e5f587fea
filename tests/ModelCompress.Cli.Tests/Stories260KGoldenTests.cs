namespace ModelCompress.Cli.Tests;

/// <summary>End to end through the built tool: llama2.c checkpoint -> HF folder -> greedy generation.</summary>
public sealed class Stories260KGoldenTests : IDisposable
{
    // llama2.c's documented greedy output of stories260K from BOS (../shared/data/README.md).
    private const string Reference =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. " +
        "She wanted to play with it, but it was too high.";

    private readonly TempFolder temp = new("mc-cli-");

    [Fact]
    public void ConvertThenGenerate_Greedy200Tokens_ReproducesLlama2cReference()
    {
        string model = Path.Combine(temp, "stories260K");
        var convert = CliTestData.RunProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model);
        Assert.True(convert.Code == 0, convert.Err);
        Assert.Equal($"wrote {model}\n", convert.Out);

        var generate = CliTestData.RunProcess("generate", "--model", model, "--max-new-tokens", "200", "--device", "cpu");
        Assert.True(generate.Code == 0, generate.Err);
        Assert.StartsWith(Reference + "\n", generate.Out);
        Assert.Equal(
            Reference + "\nLily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. " +
            "She said, \"I want to play with your ball, but I can't find it.\"\nLily was sad and didn't know what to do. " +
            "She said, \"I'm sorry, Lily. I didn't know what to do.\"\nLily didn't want to help her mom, so she\n",
            generate.Out);
    }

    [Fact]
    public void Generate_SameSeedWithTemperature_IsDeterministic()
    {
        string model = Path.Combine(temp, "m");
        Assert.Equal(0, CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model).Code);
        string[] args = ["generate", "--model", model, "--prompt", "Once upon a time", "--max-new-tokens", "40", "--temperature", "1.0", "--seed", "7"];
        var first = CliTestData.RunInProcess(args);
        var second = CliTestData.RunInProcess(args);
        var greedy = CliTestData.RunInProcess(args[..^4]);
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, second.Out);
        Assert.NotEqual(greedy.Out, first.Out);
        Assert.True(first.Out.Length > 40, first.Out);
    }

    public void Dispose() => temp.Dispose();
}
