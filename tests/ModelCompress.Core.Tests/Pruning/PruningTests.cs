using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Tests.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Pruning;

public sealed class PruningTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    [Fact]
    public void Prune_ReloadsAndMatchesTheOriginalRunWithThoseLayersSkipped()
    {
        using var temp = new TempFolder();
        var report = CheckpointPruner.Prune(stories.Folder, temp["pruned"], [1, 3], "explicit");
        Assert.Equal([0, 2, 4], report.KeptLayers);
        Assert.Equal((5, 3), (report.LayersBefore, report.LayersAfter));
        Assert.Equal(260_032 - 2 * 45_440, report.ParametersAfter);

        using var pruned = HfModelFolder.Load(temp["pruned"], CPU, ScalarType.Float32);
        using var skipped = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32, layers: [0, 2, 4]);
        using var noGrad = no_grad();
        using var ids = tensor(new long[] { 1, 403, 407, 261, 378, 275 }).unsqueeze(0);
        using var a = pruned.forward(ids);
        using var b = skipped.forward(ids);
        Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
        Assert.Equal(3, LlamaConfig.Load(temp["pruned"]).NumHiddenLayers);
        Assert.True(File.Exists(Path.Combine(temp["pruned"], "tokenizer.model")));
        Assert.Equal([1, 3], PruningReport.Load(temp["pruned"]).RemovedLayers);
    }

    [Fact]
    public void Prune_Llama31ShapedCheckpoint_RenumbersKeysAndIndexNamesEveryShard()
    {
        using var temp = new TempFolder();
        var json = JsonNode.Parse(ArchitectureContractTests.Llama31_8B)!.AsObject();
        foreach (var (key, value) in new Dictionary<string, JsonNode>
                 { ["vocab_size"] = 256, ["hidden_size"] = 32, ["intermediate_size"] = 64, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2 })
            json[key] = value;
        json["layer_types"] = new JsonArray(Enumerable.Range(0, 32).Select(i => (JsonNode)$"full_attention_{i}").ToArray());
        var config = LlamaConfig.Parse(json.ToJsonString(), "config.json");
        using (var model = ModelFactory.Create(config, CPU, ScalarType.BFloat16))
        {
            ModelInitializer.Randomize(model, seed: 3);
            HfModelFolder.Save(model, temp["source"], maxShardBytes: 40_000);
        }
        var report = CheckpointPruner.Prune(temp["source"], temp["pruned"], Enumerable.Range(24, 8).ToArray(), "reverse-order");

        var pruned = LlamaConfig.Load(temp["pruned"]);
        Assert.Equal(24, pruned.NumHiddenLayers);
        Assert.Equal("full_attention_23", pruned.Json["layer_types"]!.AsArray()[^1]!.GetValue<string>());
        Assert.Equal(24, pruned.Json["layer_types"]!.AsArray().Count);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(temp["pruned"], "model.safetensors.index.json")))!;
        var weightMap = index["weight_map"]!.AsObject();
        var shardFiles = Directory.GetFiles(temp["pruned"], "*.safetensors").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(shardFiles, weightMap.Select(p => p.Value!.GetValue<string>()).Distinct().Order());
        Assert.True(shardFiles.Count > 1);
        Assert.Equal(3 + 24 * 9, weightMap.Count);
        Assert.Equal(Enumerable.Range(0, 24), weightMap.Select(p => LayerKeys.LayerOf(p.Key)).OfType<int>().Distinct().Order());
        Assert.Equal(report.ParametersAfter * 2, index["metadata"]!["total_size"]!.GetValue<long>());

        using var source = CheckpointReader.Open(temp["source"]);
        using var result = CheckpointReader.Open(temp["pruned"]);
        var (sf, se) = source.Locate("model.layers.23.mlp.down_proj.weight");
        var (rf, re) = result.Locate("model.layers.23.mlp.down_proj.weight");
        using var expected = sf.Read(se);
        using var actual = rf.Read(re);
        Assert.Equal(expected.bytes.ToArray(), actual.bytes.ToArray());
        using var reloaded = HfModelFolder.Load(temp["pruned"], CPU, ScalarType.BFloat16);
        Assert.Equal(24, reloaded.Model.Layers.Count);
    }

    [Theory]
    [InlineData("25%", 32, 8)]
    [InlineData("8", 32, 8)]
    [InlineData("25%", 5, 1)]
    [InlineData("40%", 5, 2)]
    [InlineData("12.5%", 32, 4)]
    public void RemovalSpec_Count(string text, int layers, int expected) => Assert.Equal(expected, Count(text, layers));

    [Theory]
    [InlineData("0", 32, "removes no layers")]
    [InlineData("32", 32, "at least one layer must remain")]
    [InlineData("100%", 32, "between 0% and 100%")]
    [InlineData("1%", 32, "removes no layers")]
    [InlineData("eight", 32, "expected a layer count")]
    public void RemovalSpec_BadCount_IsRejected(string text, int layers, string message) =>
        Assert.Contains(message, Assert.Throws<InvalidInputException>(() => Count(text, layers)).Message);

    [Fact]
    public void RemovalSpec_Layers_ParsesRangesAndLists()
    {
        Assert.Equal([5, 24, 25, 26, 27, 28, 29, 30, 31], Layers("24-31,5", 32));
        Assert.Contains("layer 32 is out of range", Assert.Throws<InvalidInputException>(() => Layers("30-32", 32)).Message);
        Assert.Contains("runs backwards", Assert.Throws<InvalidInputException>(() => Layers("9-3", 32)).Message);
        Assert.Contains("at least one layer must remain", Assert.Throws<InvalidInputException>(() => Layers("0-4", 5)).Message);
    }

    private static int Count(string text, int layers) => RemovalCount.Parse(text, "remove").Of(layers, "remove");

    private static int[] Layers(string text, int layers) => LayerList.Parse(text, "layers").Of(layers, "layers");
}
