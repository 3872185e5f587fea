using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests;

/// <summary>
/// <c>finetune</c> end to end on stories260K with a hand-written six-record Alpaca fixture (there is no Alpaca file in the
/// shared data).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class FinetuneCommandTests : IDisposable
{
    private const string Alpaca = """
        [
          {"instruction": "Tell a short story about a cat.", "input": "", "output": "Once upon a time, a little cat played in the sun."},
          {"instruction": "Say who Lily is.", "input": "", "output": "Lily is a little girl who loves to play outside."},
          {"instruction": "Finish the sentence.", "input": "The dog was", "output": "happy to see his friend in the park."},
          {"instruction": "Name a color.", "input": "", "output": "Red, like a big ball."},
          {"instruction": "What did Tom find?", "input": "Tom went to the park.", "output": "Tom found a shiny rock under a tree."},
          {"instruction": "Describe the sky.", "input": "", "output": "The sky was blue and the sun was bright."}
        ]
        """;

    private readonly TempFolder temp = new("mc-cli-ft-");

    private string Model()
    {
        string model = Path.Combine(temp, "stories260K");
        Assert.Equal(0, CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model).Code);
        return model;
    }

    [Theory]
    [InlineData("partial")]
    [InlineData("qlora")]
    public void Finetune_AlpacaFixture_WritesPlainHfFolderWithReport_ThatGenerates(string method)
    {
        string model = Model(), data = Path.Combine(temp, "alpaca.json"), output = Path.Combine(temp, "healed");
        File.WriteAllText(data, Alpaca);
        var run = CliTestData.RunInProcess("finetune", "--model", model, "--out", output, "--data", data, "--method", method,
            "--val-size", "2", "--batch-size", "2", "--micro-batch-size", "1", "--warmup-steps", "1", "--lr", "1e-3",
            "--max-len", "256", "--epochs", "2", "--eval-steps", "2", "--device", "cpu");
        Assert.True(run.Code == 0, run.Err);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Assert.False(Directory.Exists(output + ".checkpoint"));
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "finetune.json")))!;
        Assert.Equal(method, report["method"]!.GetValue<string>());
        Assert.Equal(4, report["steps"]!.GetValue<int>());
        Assert.Equal(4, report["loss_curve"]!.AsArray().Count);
        Assert.Equal(64, report["data_sha256"]!.GetValue<string>().Length);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!;
        Assert.False(config["tie_word_embeddings"]!.GetValue<bool>() && method == "partial");

        var generate = CliTestData.RunInProcess("generate", "--model", output, "--max-new-tokens", "5", "--device", "cpu");
        Assert.True(generate.Code == 0, generate.Err);
    }

    [Fact]
    public void Finetune_LossKd_DistillsFromTheTeacher_RecordsItInTheReport_RemovesTheTopKFile()
    {
        string model = Model(), data = Path.Combine(temp, "alpaca.json"), output = Path.Combine(temp, "distilled");
        File.WriteAllText(data, Alpaca);
        string[] common = ["finetune", "--model", model, "--out", output, "--data", data, "--val-size", "2", "--batch-size", "2",
            "--micro-batch-size", "1", "--warmup-steps", "1", "--lr", "1e-3", "--epochs", "1", "--device", "cpu", "--loss", "kd"];
        var missing = CliTestData.RunInProcess(common);
        Assert.Equal(2, missing.Code);
        Assert.Contains("--teacher", missing.Err);

        var run = CliTestData.RunInProcess([.. common, "--teacher", model, "--alpha", "0.5", "--temperature", "2", "--k", "8"]);
        Assert.True(run.Code == 0, run.Err);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "finetune.json")))!;
        Assert.Equal(Path.GetFullPath(model), report["teacher"]!.GetValue<string>());
        var kd = report["hyperparameters"]!["distillation"]!;
        Assert.Equal((2.0, 0.5, 8), (kd["temperature"]!.GetValue<double>(), kd["alpha"]!.GetValue<double>(), kd["top_k"]!.GetValue<int>()));
        Assert.False(Directory.Exists(output + ".checkpoint"));
    }

    [Fact]
    public void Finetune_BadRecord_ExitsTwoNamingFileLineAndField()
    {
        string data = Path.Combine(temp, "bad.json");
        File.WriteAllText(data, "[\n  {\"instruction\": \"a\", \"output\": \"b\"},\n  {\"instruction\": \"c\", \"output\": 3}\n]\n");
        var run = CliTestData.RunInProcess("finetune", "--model", Model(), "--out", Path.Combine(temp, "o"), "--data", data, "--val-size", "0");
        Assert.Equal(ExitCodes.InvalidInput, run.Code);
        Assert.Contains($"{data}:3: field 'output' must be a string, not number", run.Err);
    }

    [Fact]
    public void Finetune_BadArguments_ExitTwoListingEach()
    {
        var run = CliTestData.RunInProcess("finetune", "--model", temp, "--out", Path.Combine(temp, "o"), "--data", "x.json",
            "--batch-size", "6", "--micro-batch-size", "4", "--lora-targets", "q,zz");
        Assert.Equal(ExitCodes.InvalidInput, run.Code);
        Assert.Contains("--batch-size (6) must be a positive multiple of --micro-batch-size (4)", run.Err);
        Assert.Contains("--lora-targets: unknown 'zz'", run.Err);
    }

    public void Dispose() => temp.Dispose();
}
