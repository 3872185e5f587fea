using System.Text.Json.Nodes;
using ModelCompress.TestKit.Harness;

namespace ModelCompress.Cli.Tests;

/// <summary><c>dotnet compress eval</c>: results.json shape, samples, and exit code 2 on bad input.</summary>
public sealed class EvalCommandTests : IDisposable
{
    private readonly TempFolder temp = new("mc-eval-");

    private string Model()
    {
        string model = Path.Combine(temp, "stories260K");
        var convert = CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model);
        Assert.True(convert.Code == 0, convert.Err);
        return model;
    }

    [Fact]
    public void Eval_WritesHarnessShapedResultsAndSamples()
    {
        string results = Path.Combine(temp, "out", "results.json");
        Directory.CreateDirectory(Path.GetDirectoryName(results)!);
        var run = CliTestData.RunProcess("eval", "--model", Model(), "--tasks", "arc_easy,winogrande", "--limit", "20",
            "--data", SharedData.Path("eval"), "--perplexity", "wikitext2", "--output", results, "--log-samples", "--device", "cpu");
        Assert.True(run.Code == 0, run.Err);
        Assert.Empty(HarnessSchema.Check(Path.GetDirectoryName(results)!));
        var json = JsonNode.Parse(File.ReadAllText(results))!;
        var arc = json["results"]!["arc_easy"]!;
        foreach (string key in new[] { "acc,none", "acc_stderr,none", "acc_norm,none", "acc_norm_stderr,none" }) Assert.NotNull(arc[key]);
        Assert.Null(json["results"]!["winogrande"]!["acc_norm,none"]);
        foreach (string key in new[] { "token_perplexity,none", "word_perplexity,none", "byte_perplexity,none", "bits_per_byte,none" })
            Assert.True(json["results"]!["wikitext2"]![key]!.GetValue<double>() > 0);
        Assert.Equal(20, json["n-samples"]!["arc_easy"]!["effective"]!.GetValue<int>());
        Assert.Equal(2376, json["n-samples"]!["arc_easy"]!["original"]!.GetValue<int>());
        var config = json["config"]!;
        Assert.False(config["add_bos"]!.GetValue<bool>());
        Assert.StartsWith("sha256:", config["model_hash"]!.GetValue<string>());
        Assert.Equal("16", config["batch_size"]!.GetValue<string>());
        var lines = File.ReadAllLines(Path.Combine(temp, "out", "samples_arc_easy.jsonl"));
        Assert.Equal(20, lines.Length);
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(4, first["arguments"]!.AsObject().Count);
        Assert.Equal(4, first["filtered_resps"]!.AsArray().Count);
        Assert.Equal(20, File.ReadAllLines(Path.Combine(temp, "out", "samples_winogrande.jsonl")).Length);
        Assert.Contains("items/s", run.Err);
    }

    [Fact]
    public void Eval_UnknownTask_ExitsTwoNamingIt()
    {
        var run = CliTestData.RunInProcess("eval", "--model", Model(), "--tasks", "arc_medium", "--data", SharedData.Path("eval"));
        Assert.Equal(ExitCodes.InvalidInput, run.Code);
        Assert.Contains("unknown task 'arc_medium'", run.Err);
    }

    [Fact]
    public void Eval_BadTaskData_ExitsTwoNamingFileAndLine()
    {
        string data = Path.Combine(temp, "items.jsonl"), task = Path.Combine(temp, "task.json");
        File.WriteAllText(data, "{\"context\": \"a\", \"choices\": [\"b\", \"c\"], \"gold\": 0}\n{\"context\": \"a\", \"gold\": 0}\n");
        File.WriteAllText(task, "{\"name\": \"mine\", \"data\": \"items.jsonl\"}");
        var run = CliTestData.RunInProcess("eval", "--model", Model(), "--tasks", task);
        Assert.Equal(ExitCodes.InvalidInput, run.Code);
        Assert.Contains($"{data}:2: missing field 'choices'", run.Err);
    }

    public void Dispose() => temp.Dispose();
}
