using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// The built-in tasks (the layer-pruning paper's benchmarks plus BoolQ) and their files under the benchmark folder
/// (<c>$MODELCOMPRESS_DATA/eval</c>); a name ending in <c>.json</c> is a generic task file (<see cref="GenericTaskReader"/>).
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

    public static IEnumerable<string> Names => BuiltIn.Select(t => t.Name);

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
