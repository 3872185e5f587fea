using ModelCompress.Core.Publishing.GitHub;

namespace ModelCompress.Core.Tests.Publishing;

public sealed class PullRequestReportTests
{
    private static string Normalize(string text) => text.Replace(ToolInfo.Version, "VERSION", StringComparison.Ordinal);

    [Fact]
    public void PassedAndPublished_TablesLinksAndChartsFromTheContainer()
    {
        string dir = RunFolderFixture.Create(passed: true);
        string md = PullRequestReport.Markdown(dir, ["https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12"],
            "https://github.com/me/models/actions/runs/42");
        Assert.Equal(Expected, Normalize(md).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Failed_NotPublished_NoCharts_FailedGateDetailEscaped()
    {
        string md = PullRequestReport.Markdown(RunFolderFixture.Create(passed: false), [], null);
        Assert.StartsWith("<!-- modelcompress:demo-pruned -->\n### ❌ demo-pruned: 1 of 2 quality gates failed\n", md.ReplaceLineEndings("\n"));
        Assert.Contains("| facts.acc | max_drop 0.01 |  | 0.93 | 0.9123 | ❌ dropped 0.0177 > 0.01 \\| by 0.0077 |", md);
        Assert.Contains("Not published: a model that fails its gates is never published.", md);
        Assert.DoesNotContain("svg", md);
        Assert.EndsWith($"ModelCompressTool {ToolInfo.Version}\n", md.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void OverLongReport_IsCutToGitHubsLimit()
    {
        string dir = RunFolderFixture.Create(passed: true);
        string results = File.ReadAllText(Path.Combine(dir, "results.json"));
        var many = string.Join(", ", Enumerable.Range(0, 3000).Select(i => $"\"task{i:D4}.acc_norm_with_a_long_name\": 0.5"));
        File.WriteAllText(Path.Combine(dir, "results.json"), results.Replace("\"new.metric\": 1", many, StringComparison.Ordinal));
        string md = PullRequestReport.Markdown(dir, [], "https://x/runs/1");
        Assert.Equal(PullRequestReport.MaxLength, md.Length);
        Assert.EndsWith("the full report is report.md in the run folder (https://x/runs/1).\n", md);
    }

    private const string Expected = """
        <!-- modelcompress:demo-pruned -->
        ### ✅ demo-pruned: passed all 2 quality gates

        Removed layers 5, 6 (angular): 8 → 6 layers, 120,000 → 100,000 parameters (16.7% fewer).

        | gate | condition | n | baseline | candidate | result |
        |---|---|---|---|---|---|
        | heldout.word_perplexity | max_relative_drop 10% |  | 3.62 | 3.34 | ✅ pass |
        | facts.acc | max_drop 0.05 |  | 0.93 | 0.9123 | ✅ pass |

        <details><summary>Metrics against the unpruned baseline</summary>

        | metric | n | baseline | candidate | Δ |
        |---|---|---|---|---|
        | facts.acc |  | 0.93 | 0.9123 | -0.0177 (worse) |
        | heldout.word_perplexity |  | 3.62 | 3.34 | -0.28 (better) |
        | new.metric |  | — | 1 |  |

        </details>

        Published to `https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/`: [report.md](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/report.md) · [results.json](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/results.json) · [manifest.json](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/manifest.json) · [model config](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/model/config.json)

        ![layer scores](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/scores.svg)
        ![baseline vs candidate](https://acct.blob.core.windows.net/models/pruned/demo-pruned/20261129T000000Z-abcdef12/tasks.svg)

        [Workflow run](https://github.com/me/models/actions/runs/42) · ModelCompressTool VERSION

        """;
}
