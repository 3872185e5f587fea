using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Tests.Model;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>The evaluate stage's key holds the benchmark folder's content, not its path.</summary>
public sealed class EvaluateKeyTests : IDisposable
{
    private readonly Stories260KFixture stories = new();
    private readonly TempFolder temp = new();

    private string Key(string data)
    {
        string yaml = $$"""
            name: keyed
            model: { source: "{{stories.Folder}}" }
            compute: { device: cpu, dtype: fp32, seed: 7 }
            stages:
              - { id: eval, type: evaluate, tasks: [arc_easy], limit: 4, data: "{{data}}" }
            """;
        var plan = PipelinePlanner.Plan(PipelineConfigLoader.Parse(yaml, "keyed.yaml"), new RunOptions(temp["runs"]));
        return plan.Single(r => r.Id == "eval (candidate)").Key!;
    }

    private string Benchmarks(string name)
    {
        string file = Path.Combine(temp[name], "arc", "ARC-Easy-Test.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Copy(SharedData.Path("eval", "arc", "ARC-Easy-Test.jsonl"), file);
        return temp[name];
    }

    [Fact]
    public void MovedBenchmarkFolder_KeepsTheKey_ChangedContentChangesIt()
    {
        string first = Key(Benchmarks("checkout-a"));
        Assert.Equal(first, Key(Benchmarks("checkout-b")));
        string edited = Benchmarks("edited");
        File.AppendAllText(Path.Combine(edited, "arc", "ARC-Easy-Test.jsonl"), "\n");
        Assert.NotEqual(first, Key(edited));
    }

    public void Dispose()
    {
        temp.Dispose();
        stories.Dispose();
    }
}
