using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests;

public sealed class ScorePruneTests : IDisposable
{
    private readonly TempFolder temp = new("mc-prune-");
    private readonly string model;

    public ScorePruneTests()
    {
        model = Path.Combine(temp, "stories260K");
        var convert = CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", model);
        Assert.Equal(0, convert.Code);
    }

    private static string Calibration => SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");

    [Fact]
    public void Score_WritesScoresJsonAndChart_AndPrintsTheRanking()
    {
        string scores = Path.Combine(temp, "scores.json"), chart = Path.Combine(temp, "scores.svg");
        var (code, output, error) = CliTestData.RunInProcess("score", "--model", model, "--metric", "block-influence",
            "--calibration", Calibration, "--output", scores, "--chart", chart, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("removal order: 3, 2, 4, 1, 0", output);
        var json = JsonNode.Parse(File.ReadAllText(scores))!;
        Assert.Equal("block-influence", json["metric"]!.GetValue<string>());
        Assert.Equal(5, json["layers"]!.AsArray().Count);
        Assert.Equal(64, json["calibration"]!["sha256"]!.GetValue<string>().Length);
        string svg = File.ReadAllText(chart);
        Assert.StartsWith("<svg", svg);
        Assert.Equal(5, svg.Split("</title></rect>").Length - 1); // one bar per layer
        Assert.DoesNotContain(">kept</text>", svg); // score removes nothing: no bar is marked, no legend
    }

    [Fact]
    public void Prune_ReverseOrder_RemovesTheLastLayers()
    {
        string output = Path.Combine(temp, "pruned");
        var (code, stdout, error) = CliTestData.RunInProcess("prune", "--model", model, "--out", output, "--metric", "reverse-order", "--remove", "40%");
        Assert.True(code == 0, error);
        Assert.Contains("removed layers 3, 4 (reverse-order): 5 -> 3 layers, 260,032 -> 169,152 parameters", stdout);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "pruning.json")))!;
        Assert.Equal([3, 4], report["removed_layers"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(Path.Combine(output, "config.json")))!["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal(0, CliTestData.RunInProcess("generate", "--model", output, "--max-new-tokens", "5", "--device", "cpu").Code);
    }

    [Fact]
    public void Repair_Linear_ReadsPruningJson_AndWritesAFolderThatGenerates()
    {
        string pruned = Path.Combine(temp, "pruned"), repaired = Path.Combine(temp, "repaired");
        Assert.Equal(0, CliTestData.RunInProcess("prune", "--model", model, "--out", pruned, "--layers", "1-2").Code);
        var (code, stdout, error) = CliTestData.RunInProcess("repair", "--model", pruned, "--out", repaired, "--method", "linear",
            "--calibration", Calibration, "--device", "cpu");
        Assert.True(code == 0, error);
        Assert.Contains("cut 1,2: stream error", stdout);
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(repaired, "repair.json")))!;
        Assert.Equal("linear", report["method"]!.GetValue<string>());
        Assert.Equal(0, CliTestData.RunInProcess("generate", "--model", repaired, "--max-new-tokens", "5", "--device", "cpu").Code);
    }

    [Fact]
    public void Repair_OfAnUnprunedFolder_IsInvalidInput()
    {
        var (code, _, error) = CliTestData.RunInProcess("repair", "--model", model, "--out", Path.Combine(temp, "r"), "--method", "rescale",
            "--calibration", Calibration);
        Assert.Equal(2, code);
        Assert.Contains("no pruning.json", error);
    }

    [Fact]
    public void Prune_FromScoresFile_UsesItsRemovalOrder()
    {
        string scores = Path.Combine(temp, "s.json"), output = Path.Combine(temp, "p");
        Assert.Equal(0, CliTestData.RunInProcess("score", "--model", model, "--metric", "magnitude-l2", "--output", scores).Code);
        var (code, stdout, error) = CliTestData.RunInProcess("prune", "--model", model, "--out", output, "--scores", scores, "--remove", "2");
        Assert.True(code == 0, error);
        Assert.Contains("removed layers 0, 2 (magnitude-l2)", stdout);
    }

    public static TheoryData<string[], string> BadInputs => new()
    {
        { ["score", "--metric", "loudness"], "unknown metric 'loudness'" },
        { ["prune", "--out", "X", "--metric", "reverse-order", "--remove", "0"], "removes no layers" },
        { ["prune", "--out", "X", "--metric", "reverse-order", "--remove", "5"], "removes 5 of 5 layers" },
        { ["prune", "--out", "X", "--layers", "2,9"], "layer 9 is out of range; the model has layers 0..4" },
        { ["prune", "--out", "X", "--layers", "0-4"], "at least one layer must remain" },
        { ["prune", "--out", "X", "--remove", "2"], "choose exactly one of --metric, --layers or --scores" },
        { ["score", "--metric", "taylor"], "needs calibration text" },
        { ["score", "--metric", "taylor", "--calibration", "SHORT"], "fewer than samples × seq-len" },
        { ["score", "--metric", "magnitude-l1", "--low-memory"], "--low-memory applies to forward-only metrics" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_ExitsTwoNamingTheProblem(string[] args, string message)
    {
        string shortText = Path.Combine(temp, "short.txt");
        File.WriteAllText(shortText, "Lily had a ball.");
        var full = args.Select(a => a == "X" ? Path.Combine(temp, "never") : a == "SHORT" ? shortText : a)
            .Concat(["--model", model]).ToArray();
        var (code, _, error) = CliTestData.RunInProcess(full);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(Path.Combine(temp, "never")));
    }

    [Fact]
    public void Prune_ScoresFromAnotherModel_ExitsTwo()
    {
        string scores = Path.Combine(temp, "s.json"), pruned = Path.Combine(temp, "p3");
        Assert.Equal(0, CliTestData.RunInProcess("prune", "--model", model, "--out", pruned, "--layers", "4").Code);
        Assert.Equal(0, CliTestData.RunInProcess("score", "--model", pruned, "--metric", "random", "--output", scores).Code);
        var (code, _, error) = CliTestData.RunInProcess("prune", "--model", model, "--out", Path.Combine(temp, "x"), "--scores", scores, "--remove", "1");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("these scores belong to another model", error);
    }

    public void Dispose() => temp.Dispose();
}
