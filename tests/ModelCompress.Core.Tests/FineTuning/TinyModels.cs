using ModelCompress.Core.Model;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>Small configs for fast fine-tuning tests.</summary>
public static class TinyModels
{
    /// <summary>hidden 64, 3 layers, 4 heads / 2 KV heads, SwiGLU 128, vocab 96, untied.</summary>
    public static LlamaConfig Config(bool tied = false) => LlamaConfig.Parse($$"""
        {"model_type":"llama","vocab_size":96,"hidden_size":64,"intermediate_size":128,"num_hidden_layers":3,
         "num_attention_heads":4,"num_key_value_heads":2,"rms_norm_eps":1e-05,"rope_theta":10000.0,
         "max_position_embeddings":256,"tie_word_embeddings":{{(tied ? "true" : "false")}},"bos_token_id":1,"eos_token_id":2}
        """, "tiny/config.json");
}
