namespace ModelCompress.Core.Data;

/// <summary>Training data file formats.</summary>
public enum DataFormat
{
    /// <summary>A JSON array of {instruction, input, output} (Stanford Alpaca, alpaca-cleaned).</summary>
    Alpaca,
    /// <summary>JSON lines of {instruction, context, response} (databricks-dolly-15k).</summary>
    Dolly,
    /// <summary>JSON lines of {prompt, completion}.</summary>
    Jsonl,
    /// <summary>Plain text, trained as a causal LM over packed windows.</summary>
    Text,
}

/// <summary>
/// One instruction-tuning record before templating. <see cref="Input"/> is Alpaca's "input" / Dolly's "context" (may be
/// empty); for generic JSONL the prompt is in <see cref="Instruction"/>. <see cref="Line"/> is its 1-based line in the file.
/// </summary>
public sealed record InstructionRecord(string Instruction, string Input, string Output, int Line);
