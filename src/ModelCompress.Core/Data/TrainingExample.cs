using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Data;

/// <summary>
/// One tokenized training sequence. The first <see cref="PromptLength"/> tokens are the prompt: they are inputs but are
/// masked out of the loss (the paper's trainer, <c>train_on_inputs=False</c>).
/// </summary>
public sealed record TrainingExample(int[] Ids, int PromptLength)
{
    /// <summary>Tokens whose prediction counts in the loss (every position after the first that is not prompt).</summary>
    public int LabelCount => Ids.Length - Math.Max(PromptLength, 1);
}

/// <summary>Turns records and text into <see cref="TrainingExample"/>s.</summary>
public static class TrainingExamples
{
    /// <summary>
    /// BOS + prompt + output, cut at <paramref name="maxLength"/> tokens; EOS is appended when it fits. The prompt length is
    /// that of the prompt tokenized alone (as alpaca-lora does), capped at the sequence length.
    /// Examples with no loss token left (the prompt alone fills the cutoff) are dropped.
    /// </summary>
    public static List<TrainingExample> FromRecords(IEnumerable<InstructionRecord> records, PromptTemplateKind template,
                                                    ITokenizer tokenizer, int maxLength)
    {
        bool bos = tokenizer.BosId is not null;
        var examples = new List<TrainingExample>();
        foreach (var record in records)
        {
            string prompt = PromptTemplate.Prompt(template, record);
            var ids = tokenizer.Encode(prompt + record.Output, addBos: bos).Take(maxLength).ToList();
            if (ids.Count < maxLength && tokenizer.EosId is int eos) ids.Add(eos);
            int promptLength = Math.Min(tokenizer.Encode(prompt, addBos: bos).Count, ids.Count);
            var example = new TrainingExample([.. ids], promptLength);
            if (example.LabelCount > 0) examples.Add(example);
        }
        return examples;
    }

    /// <summary>Plain text as one BOS-prefixed token stream cut into windows of <paramref name="maxLength"/> (no masking).</summary>
    public static List<TrainingExample> FromText(string text, ITokenizer tokenizer, int maxLength)
    {
        var ids = tokenizer.Encode(text, addBos: tokenizer.BosId is not null);
        var examples = new List<TrainingExample>();
        for (int start = 0; start + 1 < ids.Count; start += maxLength)
        {
            int length = Math.Min(maxLength, ids.Count - start);
            if (length >= 2) examples.Add(new TrainingExample([.. ids.Skip(start).Take(length)], 0));
        }
        return examples;
    }
}
