using System.Text.Json.Nodes;

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

    /// <summary>
    /// Parses a config.json; throws <see cref="CheckpointException"/> naming every missing, mistyped or incoherent field
    /// (heads that do not divide the width, KV heads that do not divide the heads, counts that are not positive).
    /// </summary>
    public static LlamaConfig Parse(string json, string source)
    {
        var root = JsonInput.ParseObject(json, source);
        var f = new ConfigFields(root, source);
        string? modelType = f.String("model_type");
        if (modelType is null) f.Problems.Add("missing 'model_type'");
        else if (!SupportedModelTypes.Contains(modelType))
            throw CheckpointException.UnsupportedModelType(source, modelType, SupportedModelTypes);
        int heads = f.Positive("num_attention_heads"), hidden = f.Positive("hidden_size");
        int kvHeads = f.Positive("num_key_value_heads", heads), vocab = f.Positive("vocab_size");
        int? headDim = f.Int("head_dim");
        bool llamaBias = f.Bool("attention_bias") ?? false;
        var config = new LlamaConfig
        {
            ModelType = modelType ?? "",
            VocabSize = vocab,
            HiddenSize = hidden,
            IntermediateSize = f.Positive("intermediate_size"),
            NumHiddenLayers = f.Positive("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim ?? (heads > 0 ? hidden / heads : 0),
            RmsNormEps = f.PositiveDouble("rms_norm_eps", 1e-6),
            RopeTheta = f.PositiveDouble("rope_theta", 10000),
            RopeScaling = ParseRopeScaling(root["rope_scaling"] as JsonObject, f),
            MaxPositionEmbeddings = f.Positive("max_position_embeddings", 2048),
            TieWordEmbeddings = f.Bool("tie_word_embeddings") ?? false,
            AttentionBias = modelType == "qwen2" || llamaBias,
            OutputBias = modelType != "qwen2" && llamaBias,
            BosTokenId = f.Int("bos_token_id"),
            EosTokenIds = f.Ids("eos_token_id"),
            TorchDtype = f.String("torch_dtype"),
            Json = root,
        };
        if (heads > 0 && kvHeads > 0 && heads % kvHeads != 0)
            f.Problems.Add($"num_key_value_heads ({kvHeads}) must divide num_attention_heads ({heads})");
        if (headDim is null && heads > 0 && hidden > 0 && hidden % heads != 0)
            f.Problems.Add($"num_attention_heads ({heads}) must divide hidden_size ({hidden}), or head_dim must be given");
        if (headDim is <= 0 || config.HeadDim % 2 != 0)
            f.Problems.Add($"the head width ({config.HeadDim}) must be a positive even number for rotary positions");
        if (f.Problems.Count > 0) throw CheckpointException.BadConfig(source, string.Join("; ", f.Problems));
        return config;
    }

    /// <summary>Reads <c>config.json</c> from a model folder.</summary>
    public static LlamaConfig Load(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        if (!File.Exists(path)) throw CheckpointException.MissingFile(path);
        return Parse(InputText.Read(path, "config.json"), path);
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

    private static Llama3RopeScaling? ParseRopeScaling(JsonObject? node, ConfigFields f)
    {
        if (node is null) return null;
        var rope = new ConfigFields(node, f.Source, "rope_scaling.");
        string type = rope.String("rope_type") ?? rope.String("type") ?? "default";
        Llama3RopeScaling? scaling = null;
        if (type == "llama3")
            scaling = new Llama3RopeScaling(rope.PositiveDouble("factor"), rope.PositiveDouble("low_freq_factor"),
                rope.PositiveDouble("high_freq_factor"), rope.Positive("original_max_position_embeddings"));
        else if (type != "default") rope.Problems.Add($"rope_scaling type '{type}' is not supported (supported: llama3)");
        f.Problems.AddRange(rope.Problems);
        return scaling;
    }
}
