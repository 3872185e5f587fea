using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation.Generative;

/// <summary>
/// lm-evaluation-harness's <c>lambada_openai</c> (<c>lm_eval/tasks/lambada/lambada_openai.yaml</c>, version 1.0): the
/// context is the text's words but the last (split on single spaces, as Python's <c>text.split(' ')</c>), the continuation
/// a space and the last word. Read from <c>lambada/lambada_test.jsonl</c> under the benchmark folder (OpenAI's LAMBADA test
/// file, 5,153 lines of <c>{"text": …}</c>).
/// </summary>
public static class Lambada
{
    public static readonly LoglikelihoodTaskDefinition Definition = new("lambada_openai",
        o => Read(Path.Combine(o.DataDir, "lambada", "lambada_test.jsonl")))
    {
        Version = 1.0,
        Yaml = new JsonObject
        {
            ["dataset_path"] = "EleutherAI/lambada_openai", ["dataset_name"] = "default", ["test_split"] = "test",
            ["doc_to_text"] = "{{text.split(' ')[:-1]|join(' ')}}", ["doc_to_target"] = "{{' '+text.split(' ')[-1]}}",
        },
    };

    public static IReadOnlyList<LoglikelihoodItem> Read(string path) =>
        [.. JsonlReader.Read(path).Select((line, i) =>
        {
            string text = line.String("text");
            int last = text.LastIndexOf(' ');
            return new LoglikelihoodItem($"{i}", last < 0 ? "" : text[..last], " " + text[(last + 1)..])
            {
                Doc = new JsonObject { ["text"] = text },
            };
        })];
}
