namespace ModelCompress.Core.FineTuning;

/// <summary>Which parameters healing trains (Lu et al., 2024, §healing; GUIDE §4).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FineTuneMethod>))]
public enum FineTuneMethod
{
    /// <summary>lm_head, the final norm and the last k decoder layers in full; everything else frozen (the paper's best, k = 3).</summary>
    Partial,
    /// <summary>LoRA adapters on the chosen projections; merged into the weights on export.</summary>
    Lora,
    /// <summary>LoRA over frozen NF4 (double-quantized) base projections; exported dequantized and merged.</summary>
    [ConfigName("qlora")]
    QLora,
    /// <summary>Every parameter.</summary>
    Full,
}
