namespace ModelCompress.Core.Data;

/// <summary>How a record becomes the prompt the model sees; the output follows the prompt directly.</summary>
public enum PromptTemplateKind
{
    /// <summary>The Stanford Alpaca template (with and without input), used by the paper's trainer.</summary>
    Alpaca,
    /// <summary>Dolly's template: instruction, optional context, response headings.</summary>
    Dolly,
    /// <summary>The prompt as is (instruction, then a newline and the input when present).</summary>
    None,
}

/// <summary>Prompt templates for instruction tuning.</summary>
public static class PromptTemplate
{
    /// <summary>The prompt text for <paramref name="record"/>; the completion is <c>record.Output</c> appended to it.</summary>
    public static string Prompt(PromptTemplateKind kind, InstructionRecord record) => kind switch
    {
        PromptTemplateKind.Alpaca when record.Input.Length > 0 =>
            "Below is an instruction that describes a task, paired with an input that provides further context. " +
            "Write a response that appropriately completes the request.\n\n" +
            $"### Instruction:\n{record.Instruction}\n\n### Input:\n{record.Input}\n\n### Response:\n",
        PromptTemplateKind.Alpaca =>
            "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
            $"### Instruction:\n{record.Instruction}\n\n### Response:\n",
        PromptTemplateKind.Dolly when record.Input.Length > 0 =>
            $"### Instruction:\n{record.Instruction}\n\n### Context:\n{record.Input}\n\n### Response:\n",
        PromptTemplateKind.Dolly => $"### Instruction:\n{record.Instruction}\n\n### Response:\n",
        _ => record.Input.Length > 0 ? $"{record.Instruction}\n{record.Input}" : record.Instruction,
    };
}
