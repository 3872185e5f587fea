using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using ModelCompress.Core.Storage;

namespace ModelCompress.Integration.Tests.Storage;

/// <summary>Fixture folders: a small model-like folder with random weights, uploaded the way a user's model would be.</summary>
public static class ModelFolders
{
    public const string Config = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
         "num_attention_heads": 4, "num_key_value_heads": 4, "num_hidden_layers": 2, "vocab_size": 128,
         "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false}
        """;

    /// <summary>config.json, a 300 KB "weights" file, a tokenizer file and one nested file, with a fixed seed.</summary>
    public static string Create(string root, int seed = 1, int weightBytes = 300_000)
    {
        Directory.CreateDirectory(Path.Combine(root, "extra"));
        var random = new Random(seed);
        var weights = new byte[weightBytes];
        random.NextBytes(weights);
        File.WriteAllText(Path.Combine(root, "config.json"), Config);
        File.WriteAllBytes(Path.Combine(root, "model.safetensors"), weights);
        File.WriteAllText(Path.Combine(root, "tokenizer.json"), $"{{\"seed\": {seed}}}");
        File.WriteAllText(Path.Combine(root, "extra", "notes.txt"), "nested file");
        return root;
    }

    /// <summary>Uploads every file under <paramref name="folder"/> to <paramref name="location"/> with its Content-MD5.</summary>
    public static void Upload(Azurite azurite, string folder, BlobLocation location)
    {
        var container = azurite.Container(location);
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            container.GetBlobClient(location.BlobName(relative)).Upload(file,
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = MD5.HashData(File.ReadAllBytes(file)) } });
        }
    }

    public static void AssertSameFiles(string expected, string actual)
    {
        var left = Directory.EnumerateFiles(expected, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(expected, f)).Order().ToList();
        var right = Directory.EnumerateFiles(actual, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(actual, f)).Order().ToList();
        Assert.Equal(left, right);
        foreach (string file in left)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
    }
}
