using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Model;

/// <summary>Real configs built on the meta device (no weights allocated) give exactly the Hugging Face names and shapes.</summary>
public sealed class ArchitectureContractTests
{
    public const string Llama31_8B = """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":128256,"hidden_size":4096,"intermediate_size":14336,
         "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":500000.0,
         "rope_scaling":{"factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},
         "max_position_embeddings":131072,"tie_word_embeddings":false,"attention_bias":false,"bos_token_id":128000,
         "eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}
        """;

    public const string Llama3_70B = """
        {"model_type":"llama","vocab_size":128256,"hidden_size":8192,"intermediate_size":28672,"num_hidden_layers":80,
         "num_attention_heads":64,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":500000.0,"max_position_embeddings":8192,
         "tie_word_embeddings":false,"bos_token_id":128000,"eos_token_id":128001,"torch_dtype":"bfloat16"}
        """;

    public const string Qwen2_7B = """
        {"model_type":"qwen2","vocab_size":152064,"hidden_size":3584,"intermediate_size":18944,"num_hidden_layers":28,
         "num_attention_heads":28,"num_key_value_heads":4,"rms_norm_eps":1e-06,"rope_theta":1000000.0,"max_position_embeddings":131072,
         "tie_word_embeddings":false,"bos_token_id":151643,"eos_token_id":151643,"torch_dtype":"bfloat16"}
        """;

    public const string Mistral_7B = """
        {"model_type":"mistral","vocab_size":32000,"hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,
         "num_attention_heads":32,"num_key_value_heads":8,"rms_norm_eps":1e-05,"rope_theta":10000.0,"max_position_embeddings":32768,
         "tie_word_embeddings":false,"bos_token_id":1,"eos_token_id":2,"torch_dtype":"bfloat16"}
        """;

    private static Dictionary<string, long[]> Shapes(string json)
    {
        using var model = ModelFactory.Create(LlamaConfig.Parse(json, "config.json"), device("meta"), ScalarType.BFloat16);
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
    }

    private static Dictionary<string, long[]> Expected(int layers, long vocab, long hidden, long kv, long inter, bool qkvBias)
    {
        var shapes = new Dictionary<string, long[]> { ["model.embed_tokens.weight"] = [vocab, hidden], ["model.norm.weight"] = [hidden], ["lm_head.weight"] = [vocab, hidden] };
        for (int i = 0; i < layers; i++)
        {
            string p = $"model.layers.{i}.";
            shapes[p + "self_attn.q_proj.weight"] = [hidden, hidden];
            shapes[p + "self_attn.k_proj.weight"] = [kv, hidden];
            shapes[p + "self_attn.v_proj.weight"] = [kv, hidden];
            shapes[p + "self_attn.o_proj.weight"] = [hidden, hidden];
            if (qkvBias)
            {
                shapes[p + "self_attn.q_proj.bias"] = [hidden];
                shapes[p + "self_attn.k_proj.bias"] = [kv];
                shapes[p + "self_attn.v_proj.bias"] = [kv];
            }
            shapes[p + "mlp.gate_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.up_proj.weight"] = [inter, hidden];
            shapes[p + "mlp.down_proj.weight"] = [hidden, inter];
            shapes[p + "input_layernorm.weight"] = [hidden];
            shapes[p + "post_attention_layernorm.weight"] = [hidden];
        }
        return shapes;
    }

    public static TheoryData<string, string, long> Configs => new()
    {
        { "Llama-3.1-8B", Llama31_8B, 8_030_261_248 },
        { "Llama-3-70B", Llama3_70B, 70_553_706_496 },
        { "Qwen2-7B", Qwen2_7B, 7_615_616_512 },
        { "Mistral-7B", Mistral_7B, 7_241_732_096 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Build_OnMeta_HasHfNamesShapesAndParameterCount(string name, string json, long parameters)
    {
        var expected = name switch
        {
            "Llama-3.1-8B" => Expected(32, 128256, 4096, 1024, 14336, false),
            "Llama-3-70B" => Expected(80, 128256, 8192, 1024, 28672, false),
            "Qwen2-7B" => Expected(28, 152064, 3584, 512, 18944, true),
            _ => Expected(32, 32000, 4096, 1024, 14336, false),
        };
        var actual = Shapes(json);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, shape) in expected) Assert.True(shape.SequenceEqual(actual[key]), key);
        Assert.Equal(parameters, actual.Values.Sum(s => s.Aggregate(1L, (a, d) => a * d)));
    }

    [Fact]
    public void Build_SubsetOfLayers_RenumbersAndRemembersSources()
    {
        var config = LlamaConfig.Parse(Llama31_8B, "config.json");
        using var model = ModelFactory.Create(config, device("meta"), ScalarType.BFloat16, [0, 5, 31]);
        Assert.Equal(3, model.Config.NumHiddenLayers);
        Assert.Equal([0, 5, 31], model.SourceLayers);
        Assert.Contains(model.named_parameters(), p => p.name == "model.layers.2.mlp.down_proj.weight");
        Assert.DoesNotContain(model.named_parameters(), p => p.name.StartsWith("model.layers.3.", StringComparison.Ordinal));
        Assert.Equal(3, model.Config.Json["num_hidden_layers"]!.GetValue<int>());
    }

    [Fact]
    public void Parse_UnsupportedModelType_NamesIt()
    {
        var error = Assert.Throws<ModelCompress.Core.CheckpointException>(() => LlamaConfig.Parse("""{"model_type":"gpt2"}""", "x/config.json"));
        Assert.Equal("x/config.json: model_type 'gpt2' is not supported (supported: llama, mistral, qwen2).", error.Message);
    }

    [Fact]
    public void RotaryTable_Llama3Scaling_MatchesHuggingFaceFrequencies()
    {
        var config = LlamaConfig.Parse(Llama31_8B, "config.json");
        var (cos, sin) = new RotaryEmbedding(config).Table(1, 1, CPU, ScalarType.Float64);
        var angle = sin[0].atan2(cos[0]).data<double>().ToArray(); // position 1: the angle is the inverse frequency itself
        Assert.Equal(128, angle.Length);
        // i=0: wavelength 2π < 2048 (high-frequency band) -> unchanged 1.0.
        Assert.Equal(1.0, angle[0], 6);
        // i=63: base 500000^(-126/128), wavelength above 8192 -> divided by 8.
        Assert.Equal(Math.Pow(500000, -126.0 / 128) / 8, angle[63], 9);
        // i=30: wavelength ≈ 3600, between 2048 and 8192 -> smoothed between inv/8 and inv.
        double inv = Math.Pow(500000, -60.0 / 128), smooth = (8192 / (2 * Math.PI / inv) - 1) / 3;
        Assert.InRange(smooth, 0.1, 0.9);
        Assert.Equal((1 - smooth) * inv / 8 + smooth * inv, angle[30], 7);
        Assert.Equal(angle[30], angle[94], 9); // both halves share frequencies
    }
}
