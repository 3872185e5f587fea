using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// What lm-evaluation-harness's task YAML says of each built-in task (<c>lm_eval/tasks/…</c>): the Hugging Face dataset and
/// the split our copy of it is, the prompt templates, the metrics and the task version. <see cref="Config"/> writes the
/// <c>configs.&lt;task&gt;</c> entry as the harness's <c>dump_config</c> does, so a reader sees which prompt was scored.
/// </summary>
public static class HarnessTasks
{
    /// <summary>One task's YAML facts; <see cref="Split"/> names the key the scored split sits under (test_split …).</summary>
    public sealed record Spec(string DatasetPath, string? DatasetName, string Split, string SplitName, string DocToText,
        string DocToTarget, object DocToChoice, double Version);

    private const string Mmlu = "{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:";

    private static readonly Dictionary<string, Spec> Specs = new()
    {
        ["arc_easy"] = new("allenai/ai2_arc", "ARC-Easy", "test_split", "test", "Question: {{question}}\nAnswer:",
            "{{choices.label.index(answerKey)}}", "{{choices.text}}", 1.0),
        ["arc_challenge"] = new("allenai/ai2_arc", "ARC-Challenge", "test_split", "test", "Question: {{question}}\nAnswer:",
            "{{choices.label.index(answerKey)}}", "{{choices.text}}", 1.0),
        ["piqa"] = new("baber/piqa", null, "validation_split", "validation", "Question: {{goal}}\nAnswer:", "label",
            "{{[sol1, sol2]}}", 1.0),
        ["hellaswag"] = new("Rowan/hellaswag", null, "validation_split", "validation", "{{query}}", "{{label}}", "choices", 1.0),
        ["winogrande"] = new("allenai/winogrande", "winogrande_xl", "validation_split", "validation",
            "preprocess_winogrande.doc_to_text", "preprocess_winogrande.doc_to_target", "preprocess_winogrande.doc_to_choice", 1.0),
        ["openbookqa"] = new("allenai/openbookqa", "main", "test_split", "test", "question_stem",
            "{{choices.label.index(answerKey.lstrip())}}", "{{choices.text}}", 1.0),
        ["boolq"] = new("aps/super_glue", "boolq", "validation_split", "validation",
            "{{passage}}\nQuestion: {{question}}?\nAnswer:", "label", new[] { "no", "yes" }, 2.0),
        ["mmlu"] = new("cais/mmlu", null, "test_split", "test", Mmlu, "answer", new[] { "A", "B", "C", "D" }, 1.0),
    };

    /// <summary>The harness's <c>wikitext</c> task version (<c>lm_eval/tasks/wikitext/wikitext.yaml</c>, metadata.version).</summary>
    public const double WikitextVersion = 2.0;

    /// <summary>The version written under <c>versions</c>: the YAML's, or 1.0 for a task file of ours.</summary>
    public static double Version(string task) => Specs.TryGetValue(BaseName(task), out var s) ? s.Version : 1.0;

    /// <summary>The <c>configs</c> entry of a multiple-choice task (an MMLU subject names its subject as dataset_name).</summary>
    public static JsonObject Config(string task, IReadOnlyList<ChoiceMetric> metrics, int numFewshot, string? subject = null)
    {
        var config = new JsonObject { ["task"] = task };
        if (subject is not null) config["task_alias"] = subject;
        if (Specs.TryGetValue(BaseName(task), out var s))
        {
            config["dataset_path"] = s.DatasetPath;
            config["dataset_name"] = subject ?? s.DatasetName;
            config[s.Split] = s.SplitName;
            if (subject is not null) config["fewshot_split"] = "dev";
            config["doc_to_text"] = s.DocToText;
            config["doc_to_target"] = s.DocToTarget;
            config["doc_to_choice"] = s.DocToChoice is string[] list
                ? new JsonArray([.. list.Select(c => (JsonNode)c)]) : (string)s.DocToChoice;
            if (subject is not null) config["description"] = Benchmarks.MmluReader.Description(subject);
        }
        config["target_delimiter"] = " ";
        config["fewshot_delimiter"] = "\n\n";
        config["num_fewshot"] = numFewshot;
        config["metric_list"] = new JsonArray([.. metrics.Select(m => (JsonNode)new JsonObject
        {
            ["metric"] = MetricName(m), ["aggregation"] = "mean", ["higher_is_better"] = true,
        })]);
        config["output_type"] = "multiple_choice";
        config["repeats"] = 1;
        config["should_decontaminate"] = false;
        config["metadata"] = new JsonObject { ["version"] = Version(task) };
        return config;
    }

    /// <summary>The <c>configs.wikitext</c> entry (<c>wikitext.yaml</c>): rolling log-likelihood of each detokenized page.</summary>
    public static JsonObject WikitextConfig() => new()
    {
        ["task"] = "wikitext",
        ["dataset_path"] = "EleutherAI/wikitext_document_level",
        ["dataset_name"] = "wikitext-2-raw-v1",
        ["training_split"] = "train",
        ["validation_split"] = "validation",
        ["test_split"] = "test",
        ["doc_to_text"] = "",
        ["doc_to_target"] = "preprocess_wikitext.wikitext_detokenizer",
        ["process_results"] = "preprocess_wikitext.process_results",
        ["target_delimiter"] = " ",
        ["fewshot_delimiter"] = "\n\n",
        ["num_fewshot"] = 0,
        ["metric_list"] =
            new JsonArray([.. Rolling.RollingPerplexityResult.MetricNames.Select(m => (JsonNode)new JsonObject { ["metric"] = m })]),
        ["output_type"] = "loglikelihood_rolling",
        ["repeats"] = 1,
        ["should_decontaminate"] = true,
        ["doc_to_decontamination_query"] = "{{page}}",
        ["metadata"] = new JsonObject { ["version"] = WikitextVersion },
    };

    /// <summary>The harness's name of a metric: <c>acc</c>, <c>acc_norm</c>.</summary>
    public static string MetricName(ChoiceMetric metric) => metric == ChoiceMetric.AccNorm ? "acc_norm" : "acc";

    private static string BaseName(string task) => task.StartsWith("mmlu_", StringComparison.Ordinal) ? "mmlu" : task;
}
