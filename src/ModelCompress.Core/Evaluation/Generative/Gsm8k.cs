using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// lm-evaluation-harness's <c>gsm8k</c> (<c>lm_eval/tasks/gsm8k/gsm8k.yaml</c>, version 3.0): prompt
/// <c>Question: {question}\nAnswer:</c>, target the whole worked answer (ending <c>#### N</c>); few-shot examples are the
/// first n of the train split, each <c>Question: …\nAnswer: {answer}</c>, joined and followed by the prompt with blank
/// lines; generation until <c>Question:</c>, <c>&lt;/s&gt;</c> or <c>&lt;|im_end|&gt;</c>; filters <c>strict-match</c> (the
/// number after <c>#### </c>) and <c>flexible-extract</c> (the last number-like run); exact match ignoring case, commas,
/// <c>$</c>, everything up to <c>#### </c> and a final full stop.
/// </summary>
public static class Gsm8k
{
    public static readonly GenerativeTaskDefinition Definition = new(
        "gsm8k", o => Read(Path.Combine(o.DataDir, "gsm8k"), o.NumFewshot),
        ["Question:", "</s>", "<|im_end|>"], GenerativeTaskDefinition.DefaultMaxGenToks,
        [new AnswerFilter("strict-match", @"#### (\-?[0-9\.\,]+)"),
         new AnswerFilter("flexible-extract", @"(-?[$0-9.,]{2,})|(-?[0-9]+)", GroupSelect: -1)],
        new ExactMatchOptions(IgnoreCase: true, IgnorePunctuation: false, RegexesToIgnore: [",", @"\$", "(?s).*#### ", @"\.$"]),
        SupportsFewshot: true)
    {
        Version = 3.0,
        Yaml = new JsonObject
        {
            ["dataset_path"] = "gsm8k", ["dataset_name"] = "main", ["training_split"] = "train", ["fewshot_split"] = "train",
            ["test_split"] = "test", ["doc_to_text"] = "Question: {{question}}\nAnswer:", ["doc_to_target"] = "{{answer}}",
        },
    };

    /// <summary>The test split's prompts, each after the first <paramref name="shots"/> train examples.</summary>
    public static IReadOnlyList<GenerativeItem> Read(string folder, int shots)
    {
        string prefix = shots == 0 ? "" : string.Concat(JsonlReader.Read(Path.Combine(folder, "train.jsonl"), shots)
            .Select(l => $"{Prompt(l.String("question"))} {l.String("answer")}\n\n"));
        return [.. JsonlReader.Read(Path.Combine(folder, "test.jsonl")).Select((l, i) =>
            new GenerativeItem($"{i}", prefix + Prompt(l.String("question")), l.String("answer"))
            {
                Doc = new JsonObject { ["question"] = l.String("question"), ["answer"] = l.String("answer") },
            })];
    }

    private static string Prompt(string question) => $"Question: {question}\nAnswer:";
}
