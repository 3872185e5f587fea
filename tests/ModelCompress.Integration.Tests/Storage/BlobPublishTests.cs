using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using ModelCompress.Cli;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Publishing;
using ModelCompress.Core.Storage;

namespace ModelCompress.Integration.Tests.Storage;

/// <summary>Publishing run folders to a real Azurite blob service.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobPublishTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder temp = new("mc-publish-");

    /// <summary>A run folder as <c>dotnet compress run</c> writes it (model/, results.json, report.md, a chart, manifest.json).</summary>
    private string RunFolder(string name, string verdict = "passed", string finished = "2026-11-28T10:00:00.0000000+00:00", string folder = "run",
        string? baseModel = null)
    {
        string dir = Path.Combine(temp, folder, name);
        ModelFolders.Create(Path.Combine(dir, "model"));
        File.WriteAllText(Path.Combine(dir, "results.json"),
            $$"""{"name": "{{name}}", "verdict": "{{verdict}}", "pruning": [{"method": "reverse-order", "removed_layers": [6, 7]}]}""");
        File.WriteAllText(Path.Combine(dir, "report.md"), $"# {verdict} — {name}\n");
        File.WriteAllText(Path.Combine(dir, "tasks.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        File.WriteAllText(Path.Combine(dir, "manifest.json"),
            new JsonObject { ["name"] = name, ["finished"] = finished, ["verdict"] = verdict,
                ["effective_config"] = new JsonObject { ["model"] = new JsonObject { ["source"] = "az://acct/models/base?sv=1&sig=SECRET" } } }.ToJsonString());
        if (baseModel is not null)
        {
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))!;
            manifest["base_model"] = baseModel;
            File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
        }
        return dir;
    }

    private List<string> Blobs(BlobLocation location) =>
        azurite.Container(location).GetBlobs(new GetBlobsOptions { Prefix = location.ListPrefix }).Select(b => b.Name[location.ListPrefix.Length..]).Order().ToList();

    private JsonNode Latest(BlobLocation location, string name) =>
        JsonNode.Parse(azurite.Container(location).GetBlobClient(location.BlobName($"{name}/latest.json")).DownloadContent().Value.Content.ToString())!;

    [Fact]
    public async Task Publish_UploadsTheRunWithMetadata_ThenLatest_AndTheModelPullsBackByteForByte()
    {
        string run = RunFolder("tiny");
        var target = azurite.NewContainer("pruned");
        var result = await new BlobPublisher(azurite.Clients).PublishAsync(run, target);

        Assert.Matches("^20261128T100000Z-[0-9a-f]{8}$", result.RunId);
        Assert.True(result.LatestUpdated);
        var names = Blobs(target);
        Assert.Equal(new[] { "config.json", "extra/notes.txt", "model.safetensors", "tokenizer.json" }.Select(f => $"tiny/{result.RunId}/model/{f}")
            .Concat([$"tiny/{result.RunId}/manifest.json", $"tiny/{result.RunId}/report.md", $"tiny/{result.RunId}/results.json", $"tiny/{result.RunId}/tasks.svg", "tiny/latest.json"])
            .Order(), names);
        var props = (await azurite.Container(target).GetBlobClient(target.BlobName($"tiny/{result.RunId}/model/model.safetensors")).GetPropertiesAsync()).Value;
        Assert.Equal("passed", props.Metadata["verdict"]);
        Assert.Equal("6,7", props.Metadata["removed_layers"]);
        Assert.Equal("az://acct/models/base?sv=1&sig=REDACTED", props.Metadata["base_model"]);
        Assert.Equal(64, props.Metadata["sha256"].Length);
        Assert.Contains("tool_version", props.Metadata.Keys);
        Assert.Equal($"pruned/tiny/{result.RunId}/", Latest(target, "tiny")["path"]!.GetValue<string>());

        var pulled = await new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients).PullAsync(result.Run.Child("model"));
        ModelFolders.AssertSameFiles(Path.Combine(run, "model"), pulled.Folder);
    }

    [Fact]
    public async Task Publish_SameRunTwice_IsRefused_UnlessOverwrite()
    {
        string run = RunFolder("tiny");
        var target = azurite.NewContainer("p");
        var publisher = new BlobPublisher(azurite.Clients);
        var first = await publisher.PublishAsync(run, target);
        var etag = (await azurite.Container(target).GetBlobClient(target.BlobName($"tiny/{first.RunId}/model/model.safetensors")).GetPropertiesAsync()).Value.ETag;

        var error = await Assert.ThrowsAsync<PublishException>(() => publisher.PublishAsync(run, target));
        Assert.Contains("already exists", error.Message);
        Assert.Equal(ExitCodes.PublishFailed, CliApp.ExitCodeOf(error));
        Assert.Equal(etag, (await azurite.Container(target).GetBlobClient(target.BlobName($"tiny/{first.RunId}/model/model.safetensors")).GetPropertiesAsync()).Value.ETag);

        var again = await publisher.PublishAsync(run, target, overwrite: true);
        Assert.Equal(first.RunId, again.RunId);
    }

    [Fact]
    public async Task Publish_GateFailedRun_PublishesNothing_AndTheVerbExitsThree()
    {
        string run = RunFolder("tiny", verdict: "failed");
        var target = azurite.NewContainer("p");
        await Assert.ThrowsAsync<PublishException>(() => new BlobPublisher(azurite.Clients).PublishAsync(run, target));

        var output = new StringWriter();
        int code = CliApp.Run(["publish", run, "--target", target.ToString()], output, new StringWriter());
        Assert.Equal(ExitCodes.GateFailed, code);
        Assert.Contains("nothing was published", output.ToString());
        Assert.Empty(Blobs(target));
    }

    [Fact]
    public async Task Publish_TwoConcurrentPublishers_LeaveOneConsistentLatest()
    {
        var target = azurite.NewContainer("p");
        for (int round = 0; round < 3; round++)
        {
            string older = RunFolder("tiny", finished: $"2026-11-28T1{round}:00:00.0000000+00:00", folder: $"a{round}");
            string newer = RunFolder("tiny", finished: $"2026-11-28T1{round}:30:00.0000000+00:00", folder: $"b{round}");
            var results = await Task.WhenAll(
                Task.Run(() => new BlobPublisher(azurite.Clients).PublishAsync(older, target)),
                Task.Run(() => new BlobPublisher(azurite.Clients).PublishAsync(newer, target)));
            var latest = Latest(target, "tiny");
            Assert.Equal(results[1].RunId, latest["run_id"]!.GetValue<string>());
            Assert.Contains($"tiny/{results[1].RunId}/manifest.json", Blobs(target));
        }

        // The same run from two publishers at once: one wins, the other is refused; latest.json still points at a complete run.
        string same = RunFolder("tiny", finished: "2026-11-28T20:00:00.0000000+00:00", folder: "same");
        var racing = new[] { 0, 1 }.Select(_ => Task.Run(async () =>
        {
            try { await new BlobPublisher(azurite.Clients).PublishAsync(same, target); return true; }
            catch (PublishException) { return false; }
        })).ToArray();
        var outcomes = await Task.WhenAll(racing);
        Assert.Equal(1, outcomes.Count(ok => ok));
        string pointed = Latest(target, "tiny")["path"]!.GetValue<string>();
        Assert.Contains(pointed["p/".Length..] + "manifest.json", Blobs(target));
    }

    [Fact]
    public async Task Publish_UnreachableStore_FailsWithPublishException_AndKeepsTheLocalRun()
    {
        string run = RunFolder("tiny");
        var before = Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories).Count();
        var nowhere = BlobLocation.Parse("http://127.0.0.1:9/devstoreaccount1/models/pruned");
        var error = await Assert.ThrowsAsync<PublishException>(() => new BlobPublisher(azurite.Clients).PublishAsync(run, nowhere));
        Assert.Contains("publishing to http://127.0.0.1:9/devstoreaccount1/models/pruned failed", error.Message);
        Assert.Equal(ExitCodes.PublishFailed, CliApp.ExitCodeOf(error));
        Assert.Equal(before, Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Publish_BaseModelMetadata_IsTheBaseModelTheCardNames()
    {
        string run = RunFolder("named", baseModel: "meta-llama/Llama-3.1-8B");
        var target = azurite.NewContainer("pruned");
        var result = await new BlobPublisher(azurite.Clients).PublishAsync(run, target);
        var blob = azurite.Container(target).GetBlobClient(target.BlobName($"named/{result.RunId}/model/config.json"));
        Assert.Equal("meta-llama/Llama-3.1-8B", (await blob.GetPropertiesAsync()).Value.Metadata["base_model"]);
    }

    [Fact]
    public async Task Publish_RunOfABlobSource_NamesTheSourceUrl_NeverTheAssetCache()
    {
        var source = azurite.NewContainer("base");
        ModelFolders.Upload(azurite, ModelFolders.Create(Path.Combine(temp, "source")), source);
        string yaml = $"name: from-blob\nmodel: {{ source: '{source}' }}\nstages: []\n";
        var config = PipelineConfigLoader.Parse(yaml, "pruning.yaml");
        string assets = Path.Combine(temp, "assets");
        var context = new RunContext(config, new RunOptions(Path.Combine(temp, "runs"), AssetCache: assets)
            { Environment = Azurite.EmulatorEnvironment });
        // The base model as a run resolves it (pulled into the asset cache); the tiny fixture has no real weights to prune.
        string pulled = StageWalk.ForRun(context).Base.Path;
        var values = new MetricValues(new Dictionary<string, double> { ["parameters"] = 1 }, new Dictionary<string, bool[]>());
        var outcome = new RunOutcome("from-blob", Verdict.Passed, pulled, pulled, values, values, [], [], [], null,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        string run = Core.Pipeline.RunFolder.Write(outcome, PipelineConfigLoader.ToJson(yaml, "pruning.yaml"), context);

        foreach (string file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
            Assert.False(File.ReadAllText(file).Contains(assets, StringComparison.Ordinal), $"{file} names the asset cache");
        Assert.Contains($"base_model: \"{source}\"", File.ReadAllText(Path.Combine(run, "model", "README.md")));
        var target = azurite.NewContainer("pruned");
        var result = await new BlobPublisher(azurite.Clients).PublishAsync(run, target);
        var blob = azurite.Container(target).GetBlobClient(target.BlobName($"from-blob/{result.RunId}/model/config.json"));
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        Assert.Equal(source.ToString(), metadata["base_model"]);
        Assert.All(metadata.Values, v => Assert.DoesNotContain(assets, v, StringComparison.Ordinal));
    }

    public void Dispose() => temp.Dispose();
}
