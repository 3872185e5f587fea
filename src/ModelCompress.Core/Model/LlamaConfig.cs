using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;

namespace ModelCompress.Core.Model;

/// <summary>Rotary position scaling of Llama-3.1 configs (<c>rope_scaling.rope_type == "llama3"</c>).</summary>
public sealed record Llama3RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalMaxPositionEmbeddings);

/// <summary>
/// The architecture of a Llama-family decoder, read from a Hugging Face <c>config.json</c> (model_type llama, mistral, qwen2).
/// Unknown fields are kept in <see cref="Json"/> so a pruned model's config.json keeps everything else unchanged.
/// </summary>
public sealed record LlamaConfig
{
    public static readonly IReadOnlySet<string> SupportedModelTypes = new HashSet<string> { "llama", "mistral", "qwen2" };

    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int IntermediateSize { get; init; }
    public required int NumHiddenLayers { get; init; }
    public required int NumAttentionHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Per-head width; defaults to hidden_size / num_attention_heads.</summary>
    public required int HeadDim { get; init; }
    public double RmsNormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000;
    public Llama3RopeScaling? RopeScaling { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections (Qwen2 always; Llama when <c>attention_bias</c> is true).</summary>
    public bool AttentionBias { get; init; }
    /// <summary>Bias on o_proj (Llama's <c>attention_bias</c> also covers o_proj; Qwen2 has none there).</summary>
    public bool OutputBias { get; init; }
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    /// <summary>The <c>torch_dtype</c> the checkpoint was saved in (e.g. "bfloat16"), if stated.</summary>
    public string? TorchDtype { get; init; }
    /// <summary>The whole config.json, kept so that writing it back preserves every field we do not model.</summary>
    public JsonObject Json { get; init; } = new();

    public int KvDim => NumKeyValueHeads * HeadDim;

    /// <summary>Parses a config.json; throws <see cref="CheckpointException"/> naming any missing field or unsupported type.</summary>
    public static LlamaConfig Parse(string json, string source)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw CheckpointException.BadConfig(source, "the file is not a JSON object");
        string modelType = root["model_type"]?.GetValue<string>() ?? throw CheckpointException.BadConfig(source, "missing 'model_type'");
        if (!SupportedModelTypes.Contains(modelType))
            throw CheckpointException.UnsupportedModelType(source, modelType);
        int Req(string key) => root[key]?.GetValue<int>() ?? throw CheckpointException.BadConfig(source, $"missing '{key}'");
        int heads = Req("num_attention_heads");
        int hidden = Req("hidden_size");
        bool llamaBias = root["attention_bias"]?.GetValue<bool>() ?? false;
        return new LlamaConfig
        {
            ModelType = modelType,
            VocabSize = Req("vocab_size"),
            HiddenSize = hidden,
            IntermediateSize = Req("intermediate_size"),
            NumHiddenLayers = Req("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = root["num_key_value_heads"]?.GetValue<int>() ?? heads,
            HeadDim = root["head_dim"]?.GetValue<int?>() ?? hidden / heads,
            RmsNormEps = root["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            RopeTheta = root["rope_theta"]?.GetValue<double>() ?? 10000,
            RopeScaling = ParseRopeScaling(root["rope_scaling"] as JsonObject, source),
            MaxPositionEmbeddings = root["max_position_embeddings"]?.GetValue<int>() ?? 2048,
            TieWordEmbeddings = root["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            AttentionBias = modelType == "qwen2" || llamaBias,
            OutputBias = modelType != "qwen2" && llamaBias,
            BosTokenId = root["bos_token_id"]?.GetValue<int?>(),
            EosTokenIds = ParseIds(root["eos_token_id"]),
            TorchDtype = root["torch_dtype"]?.GetValue<string>(),
            Json = root,
        };
    }

    /// <summary>Reads <c>config.json</c> from a model folder.</summary>
    public static LlamaConfig Load(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) throw CheckpointException.MissingFile(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>This config with a different layer count, reflected in <see cref="Json"/> too.</summary>
    public LlamaConfig WithLayerCount(int layers)
    {
        var json = (JsonObject)Json.DeepClone();
        json["num_hidden_layers"] = layers;
        return this with { NumHiddenLayers = layers, Json = json };
    }

    /// <summary>The config.json text (indented, fields in their original order).</summary>
    public string ToJson() => Json.ToJsonString(JsonDefaults.Indented);

    private static Llama3RopeScaling? ParseRopeScaling(JsonObject? node, string source)
    {
        if (node is null) return null;
        string type = (node["rope_type"] ?? node["type"])?.GetValue<string>() ?? "default";
        if (type == "default") return null;
        if (type != "llama3") throw CheckpointException.BadConfig(source, $"rope_scaling type '{type}' is not supported (supported: llama3)");
        return new Llama3RopeScaling(
            node["factor"]!.GetValue<double>(), node["low_freq_factor"]!.GetValue<double>(),
            node["high_freq_factor"]!.GetValue<double>(), node["original_max_position_embeddings"]!.GetValue<int>());
    }

    private static IReadOnlyList<int> ParseIds(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!.GetValue<int>()).ToArray(),
        _ => [node.GetValue<int>()],
    };
}
