using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using ModelCompress.Core.Tests.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Checkpoints;

public sealed class HfModelFolderTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    private static readonly long[] Ids = [1, 403, 407, 261, 378];

    private static float[] Logits(LlamaForCausalLM model)
    {
        using var noGrad = no_grad();
        using var logits = model.forward(tensor(Ids).unsqueeze(0));
        return logits.data<float>().ToArray();
    }

    [Fact]
    public void SaveSharded_WritesIndexNamingEveryShard_AndReloadsIdentically()
    {
        using var temp = new TempFolder();
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        HfModelFolder.Save(model, temp["sharded"], stories.Folder, maxShardBytes: 60_000);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(temp["sharded"], "model.safetensors.index.json")))!;
        var weightMap = index["weight_map"]!.AsObject();
        var shards = weightMap.Select(p => p.Value!.GetValue<string>()).Distinct().Order().ToList();
        Assert.Equal(Directory.GetFiles(temp["sharded"], "*.safetensors").Select(Path.GetFileName).Order(), shards);
        Assert.True(shards.Count > 2, $"{shards.Count} shards");
        Assert.Equal($"model-00001-of-{shards.Count:D5}.safetensors", shards[0]);
        Assert.Equal(model.named_parameters().Select(p => p.name).Order(), weightMap.Select(p => p.Key).Order());
        Assert.Equal(model.parameters().Sum(p => p.numel() * 4), index["metadata"]!["total_size"]!.GetValue<long>());
        Assert.True(File.Exists(Path.Combine(temp["sharded"], "tokenizer.model")));
        Assert.Empty(Directory.GetDirectories(temp.Path, "*partial*"));

        using var reloaded = HfModelFolder.Load(temp["sharded"], CPU, ScalarType.Float32);
        Assert.Equal(Logits(model), Logits(reloaded));
    }

    [Fact]
    public void SaveBf16_ReloadsAsFp32WithBf16Values()
    {
        using var temp = new TempFolder();
        using var bf16 = HfModelFolder.Load(stories.Folder, CPU, ScalarType.BFloat16);
        HfModelFolder.Save(bf16, temp["bf16"]);
        Assert.Equal("bfloat16", LlamaConfig.Load(temp["bf16"]).TorchDtype);
        using var reader = CheckpointReader.Open(temp["bf16"]);
        Assert.All(reader.Files.SelectMany(f => f.Entries), e => Assert.Equal(TensorDType.BF16, e.DType));
        using var fp32 = HfModelFolder.Load(temp["bf16"], CPU, ScalarType.Float32);
        using var expected = bf16.Model.Embedding.Weight.to(ScalarType.Float32);
        Assert.Equal(expected.data<float>().ToArray(), fp32.Model.Embedding.Weight.data<float>().ToArray());
    }

    [Fact]
    public void Load_MissingUnexpectedAndMisshapedTensors_AreNamed()
    {
        using var temp = new TempFolder();
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tensors = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

        void WriteWith(string folder, IEnumerable<KeyValuePair<string, Tensor>> entries)
        {
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(stories.Folder, "config.json"), Path.Combine(folder, "config.json"));
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), entries.Select(e => TensorToWrite.From(e.Key, e.Value)));
        }

        WriteWith(temp["missing"], tensors.Where(t => t.Key != "model.layers.3.mlp.up_proj.weight"));
        var missing = Assert.Throws<CheckpointException>(() => HfModelFolder.Load(temp["missing"], CPU, ScalarType.Float32));
        Assert.Equal("the checkpoint lacks tensors the model needs: model.layers.3.mlp.up_proj.weight.", missing.Message);

        using var extra = zeros(2);
        WriteWith(temp["unexpected"], tensors.Append(new("model.layers.7.mlp.up_proj.weight", extra)));
        var unexpected = Assert.Throws<CheckpointException>(() => HfModelFolder.Load(temp["unexpected"], CPU, ScalarType.Float32));
        Assert.Equal("the checkpoint has tensors the model does not use: model.layers.7.mlp.up_proj.weight.", unexpected.Message);

        using var wrong = zeros(64, 63);
        WriteWith(temp["shape"], tensors.Select(t => t.Key == "model.layers.0.self_attn.o_proj.weight" ? new(t.Key, wrong) : t));
        var shape = Assert.Throws<CheckpointException>(() => HfModelFolder.Load(temp["shape"], CPU, ScalarType.Float32));
        Assert.Equal("tensor 'model.layers.0.self_attn.o_proj.weight' has shape [64, 63] but the config implies [64, 64].", shape.Message);
    }

    [Fact]
    public void Load_SubsetOfLayers_IgnoresTheOthers()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32, layers: [0, 1, 4]);
        using var full = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        Assert.Equal(3, model.Model.Layers.Count);
        var a = model.state_dict()["model.layers.2.self_attn.q_proj.weight"];
        var b = full.state_dict()["model.layers.4.self_attn.q_proj.weight"];
        Assert.Equal(b.data<float>().ToArray(), a.data<float>().ToArray());
    }
}
