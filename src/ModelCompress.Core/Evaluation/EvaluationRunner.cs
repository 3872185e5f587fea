using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Evaluation;

/// <summary>What to evaluate: task names or task files, perplexity corpora (names resolved by the caller to files), options.</summary>
public sealed record EvaluationRequest(
    IReadOnlyList<string> Tasks, IReadOnlyList<(string Name, string Path)> PerplexityFiles, string DataDir, int? Limit = null,
    int NumFewshot = 0, int BatchSize = 16, bool AddBos = false, bool SharedContext = true, int Window = 128);

/// <summary>Runs a whole evaluation: every task is resolved and read before the first forward pass, so bad input fails fast.</summary>
public static class EvaluationRunner
{
    public static EvaluationReport Run(LlamaForCausalLM model, ITokenizer tokenizer, EvaluationRequest request, EvaluationConfig config,
                                       IProgressSink progress)
    {
        if (request.BatchSize < 1) throw new InvalidInputException($"--batch-size {request.BatchSize} must be at least 1.");
        if (request.Limit is < 1) throw new InvalidInputException($"--limit {request.Limit} must be at least 1.");
        if (request.PerplexityFiles.Count > 0 && (request.Window < 1 || request.Window > model.Config.MaxPositionEmbeddings))
            throw new InvalidInputException($"--window {request.Window} must be between 1 and the model's {model.Config.MaxPositionEmbeddings} positions.");
        if (request.NumFewshot < 0) throw new InvalidInputException($"--num-fewshot {request.NumFewshot} must not be negative.");
        var definitions = request.Tasks.Select(TaskRegistry.Resolve).ToList();
        if (request.NumFewshot > 0 && definitions.FirstOrDefault(d => !d.SupportsFewshot) is { } zeroShotOnly)
            throw new InvalidInputException($"--num-fewshot: task '{zeroShotOnly.Name}' is zero-shot only (few-shot is supported for: mmlu).");
        var options = new TaskLoadOptions(request.DataDir, request.Limit, request.NumFewshot);
        var loaded = definitions.Select(d => (Task: d, Items: d.Load(options))).ToList();
        var texts = request.PerplexityFiles.Select(p => (p.Name, Text: File.Exists(p.Path)
            ? InputText.ReadNonEmpty(p.Path, "perplexity text") : throw EvaluationDataException.MissingFile(p.Path, "perplexity text"))).ToList();

        model.eval();
        var encoder = new RequestEncoder(tokenizer, request.AddBos);
        var evaluator = new MultipleChoiceEvaluator(encoder, new ModelScorer(model, request.BatchSize, request.SharedContext));
        var tasks = loaded.Select(l => evaluator.Evaluate(l.Task, l.Items, progress, l.Task.SupportsFewshot ? request.NumFewshot : 0)).ToList();
        var perplexities = texts.Select(t => PerplexityEvaluator.Evaluate(model, encoder, tokenizer, t.Name, t.Text, request.Window,
            request.BatchSize, request.Limit, progress)).ToList();
        return new EvaluationReport(config with { AddBos = encoder.AddBos }, tasks, perplexities);
    }
}
