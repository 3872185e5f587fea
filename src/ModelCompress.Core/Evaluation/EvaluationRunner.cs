using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Evaluation;

/// <summary>What to evaluate: task names or task files, perplexity corpora (names resolved by the caller to files), options.</summary>
public sealed record EvaluationRequest(
    IReadOnlyList<string> Tasks, IReadOnlyList<(string Name, string Path)> PerplexityFiles, string DataDir, int? Limit = null,
    int NumFewshot = 0, int BatchSize = 16, bool AddBos = false, bool SharedContext = true, int Window = 128);

/// <summary>An evaluation's inputs, read and checked: every task's items and every perplexity text.</summary>
public sealed record EvaluationInputs(EvaluationRequest Request, IReadOnlyList<(TaskDefinition Task, IReadOnlyList<MultipleChoiceItem> Items)> Tasks,
                                      IReadOnlyList<(string Name, string Text)> Texts);

/// <summary>
/// Runs a whole evaluation in two steps: <see cref="Prepare"/> resolves and reads every task and text (before any weight is
/// loaded, so bad input fails fast), then <c>Run</c> scores them with the model.
/// </summary>
public static class EvaluationRunner
{
    public static EvaluationInputs Prepare(EvaluationRequest request, LlamaConfig model)
    {
        if (request.BatchSize < 1) throw new InvalidInputException($"--batch-size {request.BatchSize} must be at least 1.");
        if (request.Limit is < 1) throw new InvalidInputException($"--limit {request.Limit} must be at least 1.");
        if (request.PerplexityFiles.Count > 0 && (request.Window < 1 || request.Window > model.MaxPositionEmbeddings))
            throw new InvalidInputException($"--window {request.Window} must be between 1 and the model's {model.MaxPositionEmbeddings} positions.");
        if (request.NumFewshot < 0) throw new InvalidInputException($"--num-fewshot {request.NumFewshot} must not be negative.");
        var definitions = request.Tasks.Select(TaskRegistry.Resolve).ToList();
        if (request.NumFewshot > 0 && definitions.FirstOrDefault(d => !d.SupportsFewshot) is { } zeroShotOnly)
            throw new InvalidInputException($"--num-fewshot: task '{zeroShotOnly.Name}' is zero-shot only (few-shot is supported for: mmlu).");
        var options = new TaskLoadOptions(request.DataDir, request.Limit, request.NumFewshot);
        var loaded = definitions.Select(d => (d, d.Load(options))).ToList();
        var texts = request.PerplexityFiles.Select(p => (p.Name, File.Exists(p.Path)
            ? InputText.ReadNonEmpty(p.Path, "perplexity text") : throw EvaluationDataException.MissingFile(p.Path, "perplexity text"))).ToList();
        return new EvaluationInputs(request, loaded, texts);
    }

    /// <summary>Both steps at once, for a model already loaded.</summary>
    public static EvaluationReport Run(LlamaForCausalLM model, ITokenizer tokenizer, EvaluationRequest request, EvaluationConfig config,
                                       IProgressSink progress) => Run(model, tokenizer, Prepare(request, model.Config), config, progress);

    public static EvaluationReport Run(LlamaForCausalLM model, ITokenizer tokenizer, EvaluationInputs inputs, EvaluationConfig config,
                                       IProgressSink progress)
    {
        var request = inputs.Request;
        model.eval();
        var encoder = new RequestEncoder(tokenizer, request.AddBos);
        var evaluator = new MultipleChoiceEvaluator(encoder, new ModelScorer(model, request.BatchSize, request.SharedContext));
        var tasks = inputs.Tasks.Select(l => evaluator.Evaluate(l.Task, l.Items, progress, l.Task.SupportsFewshot ? request.NumFewshot : 0)).ToList();
        var perplexities = inputs.Texts.Select(t => PerplexityEvaluator.Evaluate(model, encoder, tokenizer, t.Name, t.Text, request.Window,
            request.BatchSize, request.Limit, progress)).ToList();
        return new EvaluationReport(config with { AddBos = encoder.AddBos }, tasks, perplexities);
    }
}
