using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.Demo;

/// <summary>
/// The built-in offline default: a small Llama (8 layers) that the tool trains itself on <see cref="DemoWorld"/> text,
/// plus healing, calibration and held-out text and a matching multiple-choice task. Everything is derived from fixed
/// seeds and cached in a folder, so the first run trains once and later runs reuse it.
/// </summary>
public static class DemoAssets
{
    /// <summary>Bump when anything below changes, so stale caches are rebuilt.</summary>
    public const int Version = 3;
    public const string Scheme = "builtin:demo";
    private const int WorldSeed = 7;

    public static string Model(string root) => Path.Combine(root, "base-model");

    /// <summary>True once <see cref="Ensure"/> has built the assets under <paramref name="cacheRoot"/>.</summary>
    public static bool IsBuilt(string cacheRoot) => File.Exists(Path.Combine(cacheRoot, $"demo-v{Version}", "demo.json"));

    /// <summary>The demo model's config without building anything (vocabulary size from the generated tokenizer).</summary>
    public static LlamaConfig PlannedConfig()
    {
        var tokenizer = WordTokenizerJson.Build(DemoWorld.Words);
        return Config(tokenizer["model"]!["vocab"]!.AsObject().Count + tokenizer["added_tokens"]!.AsArray().Count);
    }

    /// <summary>The folder of the demo assets under <paramref name="cacheRoot"/>, created (and the model trained) when missing.</summary>
    public static string Ensure(string cacheRoot, IProgressSink progress)
    {
        string root = Path.Combine(cacheRoot, $"demo-v{Version}");
        if (File.Exists(Path.Combine(root, "demo.json"))) return root;
        progress.Message($"demo: building the built-in demo model and data in {root} (once)");
        using var staging = new StagingFolder(root);
        var world = new DemoWorld(WorldSeed);
        File.WriteAllText(Path.Combine(staging.Staging, "pretrain.txt"), world.Text(12000, seed: 1));
        File.WriteAllText(Path.Combine(staging.Staging, "heal.txt"), world.Text(1500, seed: 2));
        File.WriteAllText(Path.Combine(staging.Staging, "calibration.txt"), world.Text(400, seed: 3));
        File.WriteAllText(Path.Combine(staging.Staging, "heldout.txt"), world.Text(400, seed: 4));
        WriteTask(staging.Staging, world);
        Pretrain(staging.Staging, progress);
        File.WriteAllText(Path.Combine(staging.Staging, "demo.json"),
            new JsonObject { ["version"] = Version, ["world_seed"] = WorldSeed, ["tool_version"] = ToolInfo.Version }
                .ToJsonString(JsonDefaults.Indented));
        staging.Commit();
        return root;
    }

    /// <summary>The architecture: 8 layers so removing 25% means 2 layers; narrow (hidden 32) so that layers matter and training
    /// takes about a minute on 2 cores.</summary>
    public static LlamaConfig Config(int vocab) => LlamaConfig.Parse(new JsonObject
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = "llama", ["hidden_size"] = 32, ["intermediate_size"] = 96,
        ["num_hidden_layers"] = 8, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["vocab_size"] = vocab,
        ["max_position_embeddings"] = 256, ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["tie_word_embeddings"] = false,
        ["bos_token_id"] = vocab - 2, ["eos_token_id"] = vocab - 1, ["torch_dtype"] = "float32",
    }.ToJsonString(), "demo config");

    private static void Pretrain(string folder, IProgressSink progress)
    {
        string random = Path.Combine(folder, "random-init"), tokenizerFolder = Path.Combine(folder, "tokenizer");
        Directory.CreateDirectory(tokenizerFolder);
        int vocab = WordTokenizerJson.Write(tokenizerFolder, DemoWorld.Words);
        using (var model = ModelFactory.Create(Config(vocab), CPU, ScalarType.Float32))
        {
            ModelInitializer.Randomize(model, seed: 11);
            HfModelFolder.Save(model, random, tokenizerFolder);
        }
        var options = new TrainingOptions
        {
            Method = FineTuneMethod.Full, LearningRate = 3e-3, Epochs = 8, BatchSize = 16, MicroBatchSize = 16, WarmupSteps = 20,
            MaxLength = 32, ValidationSize = 32, EvalSteps = 100, Seed = 11,
        };
        FineTuneRun.Run(new FineTuneRequest(random, Model(folder), Path.Combine(folder, "pretrain.txt"), DataFormat.Text,
            PromptTemplateKind.None, options, CPU, ScalarType.Float32, Path.Combine(folder, "pretrain.checkpoint")), progress);
        Directory.Delete(random, recursive: true);
        Directory.Delete(tokenizerFolder, recursive: true);
    }

    private static void WriteTask(string folder, DemoWorld world)
    {
        var lines = world.Questions(seed: 5).Select(q => JsonSerializer.Serialize(
            new { id = q.Id, context = q.Context, choices = q.Choices.Select(c => c.TrimStart()).ToArray(), gold = q.Gold }));
        File.WriteAllLines(Path.Combine(folder, "facts.jsonl"), lines);
        var task = new JsonObject
        {
            ["name"] = "facts",
            ["data"] = "facts.jsonl",
            ["template"] = "{context}",
            ["separator"] = " ",
            ["metrics"] = new JsonArray("acc"),
        };
        File.WriteAllText(Path.Combine(folder, "facts.json"), task.ToJsonString(JsonDefaults.Indented));
    }
}
