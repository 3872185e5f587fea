using ModelCompress.Core.Gates;
using ModelCompress.Core.Reporting;
using YamlDotNet.Serialization;

namespace ModelCompress.Core.Tests.Reporting;

public sealed class ModelCardTests
{
    private static readonly RunSummary Run = new("llama-pruned", Verdict.Passed,
        new Dictionary<string, double?> { ["arc_easy.acc"] = 0.8, ["average.acc"] = 0.8, ["parameters"] = 8_030_261_248 },
        new Dictionary<string, double?>
        {
            ["arc_easy.acc"] = 0.72, ["arc_easy.acc_norm"] = 0.7012345678, ["average.acc"] = 0.72, ["my: task.acc"] = 0.5,
            ["wikitext2.word_perplexity"] = 12.25, ["broken.acc"] = null, ["parameters"] = 6_000_000_000,
        },
        [], [new PruningSummary("reverse-order", [24, 25, 26, 27, 28, 29, 30, 31], 32, 24, 8_030_261_248, 6_000_000_000)]);

    /// <summary>The front matter of a card, parsed by YamlDotNet as the Hub's YAML parser would read it.</summary>
    internal static Dictionary<object, object> FrontMatter(string card)
    {
        var lines = card.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("---", lines[0]);
        int end = Array.IndexOf(lines, "---", 1);
        Assert.True(end > 1, "the card's front matter is not closed by ---");
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(string.Join('\n', lines[1..end]));
    }

    internal static object Path(object node, params object[] keys) => keys.Aggregate(node, (n, k) => k is int i
        ? ((List<object>)n)[i] : ((Dictionary<object, object>)n)[k]);

    [Fact]
    public void FrontMatter_HasHubFields_AndModelIndexOfEveryTaskMetric()
    {
        var origin = new ModelOrigin("meta-llama/Llama-3.1-8B", "llama3.1", ["alpaca_data_cleaned.json", "it's: #1"], "partial on x")
            { BaseModelOnHub = true, LicenceFiles = ["LICENSE", "USE_POLICY.md"] };
        string card = ModelCard.Write(Run, origin);
        var front = FrontMatter(card);

        Assert.Equal("meta-llama/Llama-3.1-8B", front["base_model"]);
        Assert.Equal("finetune", front["base_model_relation"]);
        Assert.Equal("llama3.1", front["license"]);
        Assert.Equal("text-generation", front["pipeline_tag"]);
        Assert.Equal("transformers", front["library_name"]);
        Assert.Contains("layer-pruning", (List<object>)front["tags"]);
        Assert.Equal(["alpaca_data_cleaned.json", "it's: #1"], (List<object>)front["datasets"]);
        Assert.Equal("llama-pruned", Path(front, "model-index", 0, "name"));
        var results = (List<object>)Path(front, "model-index", 0, "results");
        // Tasks in ordinal order; average.acc and parameters are not results, a null value is left out.
        Assert.Equal(["allenai/ai2_arc", "my: task", "Salesforce/wikitext"], results.Select(r => Path(r, "dataset", "type")));
        Assert.Equal("ARC-Easy", Path(results[0], "dataset", "config"));
        Assert.Equal("text-generation", Path(results[0], "task", "type"));
        Assert.Equal(["acc", "acc_norm"], ((List<object>)Path(results[0], "metrics")).Select(m => Path(m, "type")));
        Assert.Equal("0.701235", Path(results[0], "metrics", 1, "value"));
        Assert.Equal("arc_easy acc_norm", Path(results[0], "metrics", 1, "name"));
        Assert.Equal("12.25", Path(results[2], "metrics", 0, "value"));
        Assert.DoesNotContain("broken", card[..card.IndexOf("\n---\n", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains("Layer-pruned from [meta-llama/Llama-3.1-8B](https://huggingface.co/meta-llama/Llama-3.1-8B) by", card);
        Assert.Contains("- Licence: `llama3.1`; the base model's `LICENSE`, `USE_POLICY.md` travel with this model.", card);
    }

    [Fact]
    public void FrontMatter_SourceAsWritten_IsQuoted_NotLinked_AndOtherLicenceKeepsItsNameAndLink()
    {
        var origin = new ModelOrigin("az://acct/models/base?sv=1&sig=REDACTED", "other", [], null)
            { LicenseName = "my-licence: v2", LicenseLink = "LICENSE" };
        string card = ModelCard.Write(Run with { Candidate = new Dictionary<string, double?> { ["parameters"] = 1 } }, origin);
        var front = FrontMatter(card);

        Assert.Equal("az://acct/models/base?sv=1&sig=REDACTED", front["base_model"]);
        Assert.Equal("other", front["license"]);
        Assert.Equal("my-licence: v2", front["license_name"]);
        Assert.Equal("LICENSE", front["license_link"]);
        Assert.False(front.ContainsKey("datasets"));
        Assert.False(front.ContainsKey("model-index"));
        Assert.Contains("Layer-pruned from `az://acct/models/base?sv=1&sig=REDACTED` by", card);
        Assert.Contains("- Licence: `other`.", card);
    }

    [Fact]
    public void BaseModelCard_ReadsLicenceFromReadme_AndHubIdFromConfigNameOrPath()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["README.md"], "---\nlicense: other\nlicense_name: llama3.1\nlicense_link: LICENSE\n" +
                                               "base_model: meta-llama/Parent\n---\n# Llama\n");
        File.WriteAllText(folder["config.json"], """{"_name_or_path": "meta-llama/Llama-3.1-8B", "num_hidden_layers": 32}""");
        Assert.Equal(new BaseModelCard("meta-llama/Llama-3.1-8B", "other", "llama3.1", "LICENSE"), BaseModelCard.Read(folder));

        // A local path in _name_or_path, a README without front matter: nothing known.
        File.WriteAllText(folder["README.md"], "# Llama\nlicense: mit\n");
        File.WriteAllText(folder["config.json"], """{"_name_or_path": "/home/me/models/llama"}""");
        Assert.Equal(new BaseModelCard(null, null, null, null), BaseModelCard.Read(folder));
        File.WriteAllText(folder["README.md"], "---\nlicense: [unclosed\n---\n");
        Assert.Null(BaseModelCard.Read(folder).License);
    }
}
