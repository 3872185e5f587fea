using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Tests.Reporting;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>
/// The run folder's provenance: model card, licence files, the model's reports and the manifest, written from a run outcome
/// over real folders (no weights are read: the model card and manifest need none).
/// </summary>
public sealed class RunFolderWriteTests : IDisposable
{
    private readonly TempFolder temp = new("mc-runfolder-");

    private const string NamedConfig = """{"_name_or_path": "meta-llama/Llama-3.1-8B", "num_hidden_layers": 2}""";

    private static string Pipeline(string model) => $$"""
        name: card-test
        model: {{model}}
        stages:
          - { id: prune, type: prune, layers: "1" }
          - { id: heal, type: finetune, method: partial, data: data/heal.txt, format: text }
        """;

    private (string RunFolder, string CacheRoot) Write(string model, Func<string, string?> environment, Action<string>? baseFiles = null)
    {
        string baseFolder = Directory.CreateDirectory(temp["project/base"]).FullName;
        File.WriteAllText(Path.Combine(baseFolder, "config.json"), """{"num_hidden_layers": 2}""");
        baseFiles?.Invoke(baseFolder);
        Directory.CreateDirectory(temp["project/data"]);
        File.WriteAllText(temp["project/data/heal.txt"], "Once upon a time.");
        string yaml = Pipeline(model);
        var config = PipelineConfigLoader.Parse(yaml, "pruning.yaml") with { BaseDirectory = temp["project"] };
        var context = new RunContext(config, new RunOptions(temp["runs"]) { Environment = environment });
        string source = context.Resolve("base"), data = context.Resolve("data/heal.txt");
        context.HashFile(data);
        // Stage outputs as the stage cache holds them: the healed model's report names the pruned model's folder and the data.
        string pruned = Path.Combine(context.Cache.Root, "aaaa"), healed = Path.Combine(context.Cache.Root, "bbbb");
        string final = Directory.CreateDirectory(Path.Combine(healed, "model")).FullName;
        Directory.CreateDirectory(Path.Combine(pruned, "model"));
        File.WriteAllText(Path.Combine(final, "config.json"), """{"num_hidden_layers": 1}""");
        File.WriteAllText(Path.Combine(final, "finetune.json"), new JsonObject
        {
            ["method"] = "partial", ["base_model"] = Path.Combine(pruned, "model"), ["data"] = data, ["steps"] = 12,
            ["trainable_parameters"] = 84192, ["nested"] = new JsonArray(Path.Combine(pruned, "model"), "text"),
        }.ToJsonString());
        var values = new MetricValues(new Dictionary<string, double> { ["arc_easy.acc"] = 0.25, ["parameters"] = 10 },
            new Dictionary<string, bool[]>());
        var outcome = new RunOutcome("card-test", Verdict.Passed, source, final, values, values, [], [],
            [
                new StageRecord("prune", "prune", "aaaa", false, 1, 0, pruned),
                new StageRecord("heal", "finetune", "bbbb", false, 1, 0, healed),
            ],
            null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        string folder = RunFolder.Write(outcome, PipelineConfigLoader.ToJson(yaml, "pruning.yaml"), context);
        return (folder, context.Cache.Root);
    }

    private static Dictionary<object, object> Card(string runFolder) =>
        ModelCardTests.FrontMatter(File.ReadAllText(Path.Combine(runFolder, "model", "README.md")));

    private static JsonNode Manifest(string runFolder) => JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "manifest.json")))!;

    [Fact]
    public void BaseFolderCardAndLicences_ReachTheModel_AndNoCachePathReachesTheRunFolder()
    {
        var env = new Dictionary<string, string>
        {
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567", ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "contoso/models", ["GITHUB_RUN_ID"] = "99",
        };
        var (run, cache) = Write("{ source: base }", name => env.GetValueOrDefault(name), folder =>
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), NamedConfig);
            File.WriteAllText(Path.Combine(folder, "README.md"), "---\nlicense: llama3.1\n---\n# Llama 3.1\n");
            File.WriteAllText(Path.Combine(folder, "LICENSE"), "LLAMA 3.1 COMMUNITY LICENSE AGREEMENT");
            File.WriteAllText(Path.Combine(folder, "USE_POLICY.md"), "# Llama 3.1 Acceptable Use Policy");
        });

        var card = Card(run);
        Assert.Equal("meta-llama/Llama-3.1-8B", card["base_model"]);
        Assert.Equal("llama3.1", card["license"]);
        Assert.Equal(["heal.txt"], (List<object>)card["datasets"]);
        Assert.Equal("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT", File.ReadAllText(Path.Combine(run, "model", "LICENSE")));
        Assert.True(File.Exists(Path.Combine(run, "model", "USE_POLICY.md")));
        string readme = File.ReadAllText(Path.Combine(run, "model", "README.md"));
        Assert.Contains("- Healed by fine-tuning: partial on `data/heal.txt`, 12 steps, 84,192 trainable parameters.", readme);

        var finetune = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "model", "finetune.json")))!;
        Assert.Equal("stages.prune", finetune["base_model"]!.GetValue<string>());
        Assert.Equal("data/heal.txt", finetune["data"]!.GetValue<string>());
        Assert.Equal("stages.prune", finetune["nested"]![0]!.GetValue<string>());

        var manifest = Manifest(run);
        const string Provenance = """{"ci":"github-actions","commit":"0123456789abcdef0123456789abcdef01234567",""" +
                                  "\"run_url\":\"https://github.com/contoso/models/actions/runs/99\"}";
        Assert.Equal(Provenance, manifest["provenance"]!.ToJsonString());
        Assert.Equal("meta-llama/Llama-3.1-8B", manifest["base_model"]!.GetValue<string>());
        Assert.Equal(["data/heal.txt", "base"], manifest["inputs"]!.AsArray().Select(i => i!["path"]!.GetValue<string>()));
        foreach (string file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(cache, File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Equal("meta-llama/Llama-3.1-8B", RunFolder.Read(run).BaseModel);
    }

    [Fact]
    public void ModelFields_OverrideTheBaseCard_AndOutsideCiTheManifestHasNoProvenance()
    {
        var (run, _) = Write("{ source: base, id: contoso/base-8b, license: apache-2.0 }", _ => null, folder =>
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), NamedConfig);
            File.WriteAllText(Path.Combine(folder, "README.md"), "---\nlicense: other\nlicense_name: x\n---\n");
        });
        var card = Card(run);
        Assert.Equal("contoso/base-8b", card["base_model"]);
        Assert.Equal("apache-2.0", card["license"]);
        Assert.False(card.ContainsKey("license_name"));
        Assert.Null(Manifest(run)["provenance"]);
    }

    [Fact]
    public void NothingKnown_BaseModelIsTheSourceAsWritten_LicenceUnknown()
    {
        var (run, _) = Write("{ source: base }", _ => null);
        var card = Card(run);
        Assert.Equal("base", card["base_model"]);
        Assert.Equal("unknown", card["license"]);
        Assert.Contains("Layer-pruned from `base` by", File.ReadAllText(Path.Combine(run, "model", "README.md")));
        Assert.Equal(["README.md", "config.json", "finetune.json"],
            Directory.EnumerateFiles(Path.Combine(run, "model")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    public void Dispose() => temp.Dispose();
}
