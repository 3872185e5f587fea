using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Tests.Pipeline;

public sealed class EvaluationArtifactTests : IDisposable
{
    private readonly TempFolder temp = new("mc-artifact-");

    [Fact]
    public void MmluItems_AlsoCountForTheirCategory_SoPairedGatesWorkOnCategories()
    {
        File.WriteAllText(Path.Combine(temp, EvaluationArtifact.ResultsFile), """
            {"results": {"mmlu": {"acc,none": 0.5}, "mmlu_stem": {"acc,none": 1.0}, "mmlu_humanities": {"acc,none": 0.0}},
             "average": {"acc,none": 0.5}}
            """);
        File.WriteAllLines(Path.Combine(temp, EvaluationArtifact.SamplesFile),
        [
            """{"task": "mmlu", "id": "anatomy/0", "acc": 1, "acc_norm": 0}""",
            """{"task": "mmlu", "id": "philosophy/0", "acc": 0, "acc_norm": 1}""",
            """{"task": "arc_easy", "id": "Mercury_1", "acc": 1, "acc_norm": 1}""",
        ]);

        var values = EvaluationArtifact.Read(temp, parameters: 1000);

        Assert.Equal(new Dictionary<string, double>
        {
            ["parameters"] = 1000, ["mmlu.acc"] = 0.5, ["mmlu_stem.acc"] = 1.0, ["mmlu_humanities.acc"] = 0.0, ["average.acc"] = 0.5,
        }, values.Values);
        Assert.Equal([true, false], values.Items["mmlu.acc"]);
        Assert.Equal([true], values.Items["mmlu_stem.acc"]);
        Assert.Equal([false], values.Items["mmlu_humanities.acc"]);
        Assert.Equal([true], values.Items["mmlu_humanities.acc_norm"]);
        Assert.False(values.Items.ContainsKey("mmlu_other.acc"));
        Assert.Equal([true], values.Items["arc_easy.acc"]);
    }

    public void Dispose() => temp.Dispose();
}
