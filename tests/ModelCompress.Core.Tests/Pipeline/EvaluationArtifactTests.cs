using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Tests.Pipeline;

public sealed class EvaluationArtifactTests : IDisposable
{
    private readonly TempFolder temp = new("mc-artifact-");

    [Fact]
    public void MmluSubjects_CountForTheirCategoryAndMmlu_SoPairedGatesWorkOnGroups()
    {
        File.WriteAllText(Path.Combine(temp, EvaluationArtifact.ResultsFile), """
            {"results": {"mmlu": {"acc,none": 0.5}, "mmlu_stem": {"acc,none": 1.0}, "mmlu_humanities": {"acc,none": 0.0},
                         "mmlu_anatomy": {"acc,none": 1.0}, "mmlu_philosophy": {"acc,none": 0.0}, "arc_easy": {"acc,none": 1.0},
                         "wikitext": {"word_perplexity,none": 12.5, "word_perplexity_stderr,none": "N/A"}},
             "group_subtasks": {"mmlu": ["mmlu_stem", "mmlu_humanities"], "mmlu_stem": ["mmlu_anatomy"],
                                "mmlu_humanities": ["mmlu_philosophy"], "arc_easy": [], "wikitext": []}}
            """);
        File.WriteAllLines(Path.Combine(temp, "samples_mmlu_anatomy.jsonl"), ["""{"doc_id": 0, "acc": 1.0}"""]);
        File.WriteAllLines(Path.Combine(temp, "samples_mmlu_philosophy.jsonl"), ["""{"doc_id": 0, "acc": 0.0}"""]);
        File.WriteAllLines(Path.Combine(temp, "samples_arc_easy.jsonl"), ["""{"doc_id": 0, "acc": 1.0, "acc_norm": 0.0}"""]);
        File.WriteAllLines(Path.Combine(temp, "samples_wikitext.jsonl"), ["""{"doc_id": 0, "word_perplexity": [-10.0, 4]}"""]);

        var values = EvaluationArtifact.Read(temp, parameters: 1000);

        // The average counts the top-level tasks: mmlu once (as its group) and arc_easy; wikitext has no acc.
        Assert.Equal(new Dictionary<string, double>
        {
            ["parameters"] = 1000, ["mmlu.acc"] = 0.5, ["mmlu_stem.acc"] = 1.0, ["mmlu_humanities.acc"] = 0.0,
            ["mmlu_anatomy.acc"] = 1.0, ["mmlu_philosophy.acc"] = 0.0, ["arc_easy.acc"] = 1.0, ["wikitext.word_perplexity"] = 12.5,
            ["average.acc"] = 0.75,
        }, values.Values);
        Assert.Equal([true, false], values.Items["mmlu.acc"]);
        Assert.Equal([true], values.Items["mmlu_stem.acc"]);
        Assert.Equal([false], values.Items["mmlu_humanities.acc"]);
        Assert.False(values.Items.ContainsKey("mmlu.acc_norm"));
        Assert.Equal([false], values.Items["arc_easy.acc_norm"]);
        Assert.False(values.Items.ContainsKey("wikitext.acc"));
    }

    public void Dispose() => temp.Dispose();
}
