using System.CommandLine;
using System.Reflection;
using ModelCompress.Core;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Cli.Commands.Eval;

/// <summary><c>dotnet compress eval</c>: zero-/few-shot multiple-choice benchmarks and perplexity, lm-evaluation-harness style.</summary>
public static class EvalCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder.", Required = true };
        var tasks = new Option<string>("--tasks")
        {
            Description = $"Comma-separated tasks ({string.Join(", ", TaskRegistry.Names)}) or task files (*.json, see README).",
            DefaultValueFactory = _ => "",
        };
        var data = new Option<string>("--data")
        {
            Description = "Benchmark folder (default: $MODELCOMPRESS_DATA/eval, else ../shared/data/eval).",
        };
        var limit = new Option<int?>("--limit") { Description = "Items per task (per subject for mmlu); windows for perplexity." };
        var shots = new Option<int>("--num-fewshot")
        {
            Description = "Few-shot examples (mmlu: from dev/ in file order).",
            DefaultValueFactory = _ => 0,
        };
        var batch = new Option<int>("--batch-size") { Description = "Rows per forward pass.", DefaultValueFactory = _ => 16 };
        var addBos = new Option<bool>("--add-bos")
        {
            Description = "Prepend BOS to every context (default off, as lm-evaluation-harness <= 0.4.9 for Llama models).",
        };
        var naive = new Option<bool>("--no-shared-context")
        {
            Description = "Score each choice with its own copy of the context (slower; for comparison).",
        };
        var results = new Option<FileInfo>("--output")
        {
            Description = "results.json path.",
            DefaultValueFactory = _ => new FileInfo("results.json"),
        };
        var samples = new Option<bool>("--log-samples")
        {
            Description = "Write samples_<task>.jsonl beside the results file (lm-evaluation-harness's per-document samples).",
        };
        var perplexity = new Option<string[]>("--perplexity")
        {
            Description = "Perplexity: wikitext (the harness's document-level task) or over fixed windows wikitext_fixed " +
                          "(alias wikitext2), ptb or a text file path (repeatable or comma-separated).",
            AllowMultipleArgumentsPerToken = true,
        };
        var window = new Option<int>("--window")
        {
            Description = "Fixed-window perplexity: window in tokens (wikitext uses the model's context).",
            DefaultValueFactory = _ => 128,
        };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("eval",
            "Evaluate a model on multiple-choice benchmarks and perplexity (lm-evaluation-harness 0.4 scoring).")
        {
            model, tasks, data, limit, shots, batch, addBos, naive, results, samples, perplexity, window, device, dtype,
        };
        command.SetAction(parse =>
        {
            string dataDir = Path.GetFullPath(parse.GetValue(data) ?? DataLocations.DefaultEvalDir());
            var taskNames = Split(parse.GetValue(tasks));
            var corpora = Split(string.Join(',', parse.GetValue(perplexity) ?? []))
                .Select(c => (DataLocations.CorpusName(c), DataLocations.ResolveCorpus(c, dataDir, Directory.GetCurrentDirectory())))
                .ToList();
            if (taskNames.Count == 0 && corpora.Count == 0)
                throw new InvalidInputException("nothing to evaluate: give --tasks and/or --perplexity.");
            string folder = parse.GetValue(model)!.FullName;
            var (dev, type) = CommonOptions.Resolve(parse, device, dtype);
            var modelConfig = TensorInventory.Validate(folder); // headers only: a bad folder fails before any data is read
            var tokenizer = TokenizerLoader.FromFolder(folder);
            var request = new EvaluationRequest(taskNames, corpora, dataDir, parse.GetValue(limit), parse.GetValue(shots),
                parse.GetValue(batch), parse.GetValue(addBos), !parse.GetValue(naive), parse.GetValue(window));
            var inputs = EvaluationRunner.Prepare(request, modelConfig); // every task and text read and checked before the weights
            var config = new EvaluationConfig(folder, CheckpointHash.Of(folder), TokenizerName(folder), request.AddBos, request.Limit,
                request.NumFewshot, request.BatchSize, request.SharedContext, dev.type.ToString().ToLowerInvariant(),
                parse.GetValue(dtype)!, ToolVersion());
            using var llm = HfModelFolder.Load(folder, dev, type);
            var report = EvaluationRunner.Run(llm, tokenizer, inputs, config, ConsoleProgress.ForStandardError());
            string resultsPath = parse.GetValue(results)!.FullName;
            report.WriteJson(resultsPath);
            if (parse.GetValue(samples)) report.WriteSamples(Path.GetDirectoryName(resultsPath)!);
            PrintTable(report, output);
            output.WriteLine($"results: {resultsPath}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string TokenizerName(string folder) =>
        File.Exists(Path.Combine(folder, "tokenizer.json")) ? "tokenizer.json" : "tokenizer.model";

    private static string ToolVersion() =>
        typeof(EvalCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static void PrintTable(EvaluationReport report, TextWriter output)
    {
        output.WriteLine($"{"task",-16} {"n",6} {"acc",8} {"± se",8} {"acc_norm",9} {"± se",8}");
        foreach (var t in report.Tasks)
            output.WriteLine($"{t.Name,-16} {t.Items.Count,6} {t.Acc,8:F4} {t.AccStderr,8:F4} " +
                             $"{(t.AccNorm is double n ? n.ToString("F4") : "-"),9} " +
                             $"{(t.AccNormStderr is double s ? s.ToString("F4") : "-"),8}");
        if (report.Tasks.Count > 0) output.WriteLine($"{"average acc",-16} {"",6} {report.AverageAcc,8:F4}");
        foreach (var p in report.Perplexities)
            output.WriteLine($"{p.Name}: token ppl {p.TokenPerplexity:F3}, word ppl {p.WordPerplexity:F3}, " +
                             $"byte ppl {p.BytePerplexity:F4}, bits/byte {p.BitsPerByte:F4} " +
                             $"({p.Tokens} tokens, {p.Windows} windows of {p.Window})");
        foreach (var r in report.Rolling)
            output.WriteLine($"{r.Name}: word ppl {r.WordPerplexity:F3}, byte ppl {r.BytePerplexity:F4}, bits/byte {r.BitsPerByte:F4} " +
                             $"({r.Documents.Count} documents, {r.Documents.Sum(d => d.Tokens)} tokens, rolling windows of {r.MaxLength})");
        foreach (var l in report.Loglikelihood)
            output.WriteLine($"{l.Name}: acc {l.Acc:F4} ± {l.AccStderr:F4}, perplexity {l.Perplexity:F3} ({l.Items.Count} items)");
        foreach (var g in report.Generative)
            output.WriteLine($"{g.Name}: " + string.Join(", ", g.Task.Filters.Select((f, i) =>
                $"exact_match,{f.Name} {g.ExactMatch(i):F4} ± {g.ExactMatchStderr(i):F4}")) + $" ({g.Items.Count} items)");
    }
}
