using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using ModelCompress.TestKit.Harness;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>The eval files of stories260K (two items a task, MMLU per subject, two wikitext documents), written once.</summary>
public sealed class HarnessOutputFixture : IDisposable
{
    private readonly Stories260KFixture stories = new();
    private readonly TempFolder temp = new("mc-harness-");

    public HarnessOutputFixture() => Folder = Evaluate();

    public string Folder { get; }

    /// <summary>A copy of the files to alter.</summary>
    public string Copy()
    {
        string copy = temp[$"copy-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(Folder)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private string Evaluate()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        string raw = SharedData.Path("text", "wikitext-2-raw", "wiki.test.raw");
        var request = new EvaluationRequest(["arc_easy", "winogrande", "mmlu"], [("wikitext", raw), ("wikitext2", raw)],
            SharedData.Path("eval"), Limit: 2);
        var config = new EvaluationConfig("stories260K", "-", "tokenizer.model", false, 2, 0, 16, true, "cpu", "fp32", "test");
        var report = EvaluationRunner.Run(model, tokenizer, request, config, NullProgress.Instance);
        string folder = temp["eval"];
        Directory.CreateDirectory(folder);
        report.WriteJson(Path.Combine(folder, "results.json"));
        report.WriteSamples(folder);
        return folder;
    }

    public void Dispose()
    {
        temp.Dispose();
        stories.Dispose();
    }
}

/// <summary>The eval files against the harness's result schema, and the fields a harness reader relies on.</summary>
public sealed class HarnessOutputTests(HarnessOutputFixture output) : IClassFixture<HarnessOutputFixture>
{
    [Fact]
    public void EvalFiles_PassTheHarnessSchema_WithItsCountsGroupsAndHashes()
    {
        string folder = output.Folder;
        Assert.Empty(HarnessSchema.Check(folder));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!;
        var arcCounts = json["n-samples"]!["arc_easy"]!;
        Assert.Equal((2376, 2), (arcCounts["original"]!.GetValue<int>(), arcCounts["effective"]!.GetValue<int>()));
        Assert.Equal(1267, json["n-samples"]!["winogrande"]!["original"]!.GetValue<int>());
        Assert.Equal(62, json["n-samples"]!["wikitext"]!["original"]!.GetValue<int>());
        Assert.Equal(57 * 2, json["groups"]!["mmlu"]!["sample_len"]!.GetValue<int>());
        Assert.Equal(["acc", "acc_norm"], json["higher_is_better"]!["arc_easy"]!.AsObject().Select(p => p.Key));
        Assert.False(json["higher_is_better"]!["wikitext"]!["word_perplexity"]!.GetValue<bool>());
        Assert.Equal("allenai/ai2_arc", json["configs"]!["arc_easy"]!["dataset_path"]!.GetValue<string>());
        Assert.Equal("abstract_algebra", json["configs"]!["mmlu_abstract_algebra"]!["dataset_name"]!.GetValue<string>());
        Assert.Equal(2.0, json["versions"]!["wikitext"]!.GetValue<double>());
        Assert.Equal(60, Directory.GetFiles(folder, "samples_*.jsonl").Length); // arc_easy, winogrande, 57 subjects, wikitext

        var arc = JsonNode.Parse(File.ReadLines(Path.Combine(folder, "samples_arc_easy.jsonl")).First())!;
        string prompt = arc["arguments"]!["gen_args_0"]!["arg_0"]!.GetValue<string>();
        Assert.StartsWith("Question: Which statement best explains why photosynthesis", prompt);
        Assert.Equal(" Sunlight is the source of energy for nearly all ecosystems.",
            arc["arguments"]!["gen_args_0"]!["arg_1"]!.GetValue<string>());
        Assert.Equal(Sha256(prompt), arc["prompt_hash"]!.GetValue<string>());
        Assert.Equal(("0", Sha256("0")), (arc["target"]!.GetValue<string>(), arc["target_hash"]!.GetValue<string>()));
        Assert.Equal(4, arc["resps"]!.AsArray().Count);
        Assert.Matches(@"^-\d+\.\d+$", arc["filtered_resps"]![0]![0]!.GetValue<string>());
        Assert.Contains(arc["filtered_resps"]![0]![1]!.GetValue<string>(), new[] { "True", "False" });

        // doc_hash is sha256 of json.dumps(doc, indent=2, ensure_ascii=False); this one was computed with Python from the csv row.
        var mmlu = JsonNode.Parse(File.ReadLines(Path.Combine(folder, "samples_mmlu_abstract_algebra.jsonl")).First())!;
        Assert.Equal("6cd9c6502447a6f35e13e2e94ad6a1ba2ac5672b02acd62d3f1ad2829be63827", mmlu["doc_hash"]!.GetValue<string>());
        var wino = JsonNode.Parse(File.ReadLines(Path.Combine(folder, "samples_winogrande.jsonl")).First())!;
        Assert.NotEqual(wino["arguments"]!["gen_args_0"]!["arg_0"]!.ToString(), wino["arguments"]!["gen_args_1"]!["arg_0"]!.ToString());
        Assert.Equal(wino["arguments"]!["gen_args_0"]!["arg_1"]!.GetValue<string>(), " " + wino["target"]!.GetValue<string>());
    }

    [Fact]
    public void SchemaCheck_FailsAFileWithoutOriginalCountsOrWithNumericResps()
    {
        string folder = output.Copy();
        string path = Path.Combine(folder, "results.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["n-samples"]!["arc_easy"]!.AsObject().Remove("original");
        File.WriteAllText(path, json.ToJsonString());
        string samples = Path.Combine(folder, "samples_arc_easy.jsonl");
        var line = JsonNode.Parse(File.ReadLines(samples).First())!;
        line["filtered_resps"]![0]![0] = -1.5;
        File.WriteAllLines(samples, [line.ToJsonString()]);
        var errors = HarnessSchema.Check(folder);
        Assert.Contains(errors, e => e.StartsWith("results.json", StringComparison.Ordinal) && e.Contains("original"));
        Assert.Contains(errors, e => e.StartsWith("samples_arc_easy.jsonl:1", StringComparison.Ordinal));
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
