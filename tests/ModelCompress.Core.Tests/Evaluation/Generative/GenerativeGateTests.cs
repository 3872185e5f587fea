using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Config;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Evaluation.Harness;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

/// <summary>gsm8k and lambada_openai through results.json and the samples files into gates, the paired McNemar gate included.</summary>
public sealed class GenerativeGateTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>, IDisposable
{
    private readonly TempFolder temp = new("mc-gengate-");

    private static GateConfig Paired(string metric) => new(metric, null, null, null, null, new SignificanceConfig(0.05));

    [Fact]
    public void Stories260K_Gsm8kAndLambada_WriteHarnessFiles_ThatGatesRead()
    {
        string data = Directory.CreateDirectory(temp["data"]).FullName;
        LambadaTests.WriteLines(data, 6);
        Directory.CreateDirectory(Path.Combine(data, "gsm8k"));
        string[] questions =
            ["Lily has 2 balls and finds 3 more. How many balls does she have?", "Tom had 5 apples and ate one. How many are left?",
             "A cat sees 4 birds and 2 more come. How many birds?"];
        string[] answers = ["2 + 3 = 5\n#### 5", "5 - 1 = 4\n#### 4", "4 + 2 = 6\n#### 6"];
        var lines = questions.Zip(answers).Select(p => new JsonObject { ["question"] = p.First, ["answer"] = p.Second }.ToJsonString());
        File.WriteAllLines(Path.Combine(data, "gsm8k", "test.jsonl"), lines);
        File.WriteAllLines(Path.Combine(data, "gsm8k", "train.jsonl"), lines.Reverse());
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var request = new EvaluationRequest(["gsm8k", "lambada_openai"], [], data, BatchSize: 2);
        var config = new EvaluationConfig("stories260K", "-", "tokenizer.model", false, null, 0, 2, true, "cpu", "fp32", "test");

        var report = EvaluationRunner.Run(model, tokenizer, request, config, NullProgress.Instance);
        string output = Directory.CreateDirectory(temp["eval"]).FullName;
        report.WriteJson(Path.Combine(output, EvaluationArtifact.ResultsFile));
        report.WriteSamples(output);

        var gsm8k = Assert.Single(report.Generative);
        var samples = File.ReadAllLines(Path.Combine(output, HarnessSamples.FileName("gsm8k"))).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["strict-match", "strict-match", "strict-match", "flexible-extract", "flexible-extract", "flexible-extract"],
            samples.Select(s => s["filter"]!.GetValue<string>()));
        Assert.Equal(gsm8k.Items.Select(i => i.Response), samples.Take(3).Select(s => s["resps"]![0]![0]!.GetValue<string>()));
        Assert.Equal(gsm8k.Items.Select(i => i.Filtered[1]), samples.Skip(3).Select(s => s["filtered_resps"]![0]!.GetValue<string>()));
        Assert.Equal("Question: " + questions[0] + "\nAnswer:", samples[0]["arguments"]!["gen_args_0"]!["arg_0"]!.GetValue<string>());

        var values = EvaluationArtifact.Read(output, parameters: 1);
        Assert.Equal(gsm8k.ExactMatch(0), values.Values["gsm8k.exact_match"]);
        Assert.Equal(gsm8k.ExactMatch(0), values.Values["gsm8k.exact_match,strict-match"]);
        Assert.Equal(gsm8k.ExactMatch(1), values.Values["gsm8k.exact_match,flexible-extract"]);
        Assert.Equal(report.Loglikelihood[0].Acc, values.Values["lambada_openai.acc"]);
        Assert.Equal(report.Loglikelihood[0].Perplexity, values.Values["lambada_openai.perplexity"]);
        Assert.False(values.Values.ContainsKey("average.acc")); // lambada's acc is not a multiple-choice accuracy
        Assert.Equal(gsm8k.Items.Select(i => i.Correct[1]), values.Items["gsm8k.exact_match,flexible-extract"]);
        Assert.Equal(6, values.Items["lambada_openai.acc"].Length);
        Assert.Null(values.Stats["lambada_openai.acc"].Chance);
        Assert.Equal(3, values.Stats["gsm8k.exact_match"].N);

        var verdicts = GateEvaluator.Evaluate([Paired("gsm8k.exact_match"), Paired("lambada_openai.acc")], values, values);
        Assert.All(verdicts, v => Assert.True(v.Passed, v.Detail));
    }

    [Fact]
    public void PairedGate_OnEachFilter_FailsWhenTheCandidateLosesItems()
    {
        var baseline = Write("base", strict: [true, true, true, true, true, true], flexible: [true, true, true, true, true, true]);
        var candidate = Write("cand", strict: [false, false, false, false, false, false], flexible: [true, true, true, true, true, false]);
        GateConfig[] gates = [Paired("gsm8k.exact_match"), Paired("gsm8k.exact_match,flexible-extract")];

        var verdicts = GateEvaluator.Evaluate(gates, baseline, candidate);

        Assert.False(verdicts[0].Passed); // strict-match: 6 lost, p = 1/64
        Assert.Contains("p = 0.01563", verdicts[0].Detail);
        Assert.True(verdicts[1].Passed);  // flexible-extract: 1 lost, p = 1/2
        Assert.Equal(5.0 / 6, candidate.Values["gsm8k.exact_match,flexible-extract"], 12);
        Assert.Equal(0.0, candidate.Values["gsm8k.exact_match"]);
    }

    private MetricValues Write(string name, bool[] strict, bool[] flexible)
    {
        string folder = Directory.CreateDirectory(temp[name]).FullName;
        double Mean(bool[] x) => x.Average(b => b ? 1.0 : 0.0);
        File.WriteAllText(Path.Combine(folder, EvaluationArtifact.ResultsFile), new JsonObject
        {
            ["results"] = new JsonObject
            {
                ["gsm8k"] = new JsonObject
                {
                    ["exact_match,strict-match"] = Mean(strict), ["exact_match_stderr,strict-match"] = 0.1,
                    ["exact_match,flexible-extract"] = Mean(flexible), ["exact_match_stderr,flexible-extract"] = 0.1,
                },
            },
            ["group_subtasks"] = new JsonObject { ["gsm8k"] = new JsonArray() },
            ["configs"] = new JsonObject
            {
                ["gsm8k"] = new JsonObject
                {
                    ["output_type"] = "generate_until",
                    ["filter_list"] = new JsonArray(
                        new JsonObject { ["name"] = "strict-match" }, new JsonObject { ["name"] = "flexible-extract" }),
                },
            },
            ["n-samples"] = new JsonObject { ["gsm8k"] = new JsonObject { ["original"] = 6, ["effective"] = 6 } },
        }.ToJsonString());
        var lines = new[] { ("strict-match", strict), ("flexible-extract", flexible) }.SelectMany(f => f.Item2.Select((c, i) =>
            new JsonObject { ["doc_id"] = i, ["filter"] = f.Item1, ["exact_match"] = c ? 1.0 : 0.0 }.ToJsonString()));
        File.WriteAllLines(Path.Combine(folder, HarnessSamples.FileName("gsm8k")), lines);
        return EvaluationArtifact.Read(folder, parameters: 1);
    }

    public void Dispose() => temp.Dispose();
}
