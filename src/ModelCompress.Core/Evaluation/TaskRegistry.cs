using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Evaluation.Generative;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// The built-in tasks (the layer-pruning paper's benchmarks plus BoolQ) and their files under the benchmark folder
/// (<c>$MODELCOMPRESS_DATA/eval</c>), the generative <c>gsm8k</c> and the log-likelihood <c>lambada_openai</c>; a name ending in
/// <c>.json</c> is a generic task file (<see cref="GenericTaskReader"/>, or <see cref="GenerativeTaskReader"/> when its
/// <c>output_type</c> is <c>generate_until</c>).
/// </summary>
public static class TaskRegistry
{
    private static readonly ChoiceMetric[] Both = [ChoiceMetric.Acc, ChoiceMetric.AccNorm];
    private static readonly ChoiceMetric[] AccOnly = [ChoiceMetric.Acc];

    public static readonly IReadOnlyList<TaskDefinition> BuiltIn =
    [
        new("arc_easy", Both, o => ArcReader.ReadArc(Path.Combine(o.DataDir, "arc", "ARC-Easy-Test.jsonl"), o.Limit)),
        new("arc_challenge", Both, o => ArcReader.ReadArc(Path.Combine(o.DataDir, "arc", "ARC-Challenge-Test.jsonl"), o.Limit)),
        new("piqa", Both, o => PiqaReader.Read(Path.Combine(o.DataDir, "piqa", "valid.jsonl"),
            Path.Combine(o.DataDir, "piqa", "valid-labels.lst"), o.Limit)),
        new("hellaswag", Both, o => HellaSwagReader.Read(HellaSwagFile(o.DataDir), o.Limit)),
        new("winogrande", AccOnly, o => WinoGrandeReader.Read(Path.Combine(o.DataDir, "winogrande", "dev.jsonl"),
            Path.Combine(o.DataDir, "winogrande", "dev-labels.lst"), o.Limit)),
        new("openbookqa", Both, o => ArcReader.ReadOpenBookQa(Path.Combine(o.DataDir, "openbookqa", "test.jsonl"), o.Limit)),
        new("mmlu", AccOnly, o => MmluReader.Read(Path.Combine(o.DataDir, "mmlu"), o.NumFewshot, o.Limit), SupportsFewshot: true),
        new("boolq", AccOnly, o => BoolQReader.Read(Path.Combine(o.DataDir, "boolq", "val.jsonl"), o.Limit)),
    ];

    /// <summary>The built-in <c>generate_until</c> tasks.</summary>
    public static readonly IReadOnlyList<GenerativeTaskDefinition> Generative = [Gsm8k.Definition];

    /// <summary>The built-in <c>loglikelihood</c> tasks (one continuation per item).</summary>
    public static readonly IReadOnlyList<LoglikelihoodTaskDefinition> Loglikelihood = [Lambada.Definition];

    public static IEnumerable<string> Names =>
        BuiltIn.Select(t => t.Name).Concat(Generative.Select(t => t.Name)).Concat(Loglikelihood.Select(t => t.Name));

    /// <summary>A built-in generative task by name, or a task file whose output_type is generate_until; else null.</summary>
    public static GenerativeTaskDefinition? ResolveGenerative(string nameOrFile) =>
        Generative.FirstOrDefault(t => t.Name == nameOrFile)
        ?? (GenerativeTaskReader.IsGenerative(nameOrFile) ? GenerativeTaskReader.Load(nameOrFile) : null);

    /// <summary>A built-in log-likelihood task by name, else null.</summary>
    public static LoglikelihoodTaskDefinition? ResolveLoglikelihood(string name) => Loglikelihood.FirstOrDefault(t => t.Name == name);

    /// <summary>A built-in task by name, or a generic task file by path.</summary>
    /// <exception cref="EvaluationDataException">The name is neither a built-in task nor an existing task file.</exception>
    public static TaskDefinition Resolve(string nameOrFile) =>
        BuiltIn.FirstOrDefault(t => t.Name == nameOrFile)
        ?? (nameOrFile.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? GenericTaskReader.Load(nameOrFile)
            : throw EvaluationDataException.UnknownTask(nameOrFile, Names));

    // The original jsonl is preferred when present; the shared data has llama.cpp's compressed text form.
    private static string HellaSwagFile(string dataDir)
    {
        string dir = Path.Combine(dataDir, "hellaswag");
        string[] candidates = ["hellaswag_val.jsonl", "hellaswag_val_full.txt.bz2", "hellaswag_val_full.txt"];
        return candidates.Select(c => Path.Combine(dir, c)).FirstOrDefault(File.Exists) ?? Path.Combine(dir, candidates[1]);
    }
}
