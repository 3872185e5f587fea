using System.Diagnostics;
using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Evaluation.Rolling;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// What to evaluate: task names or task files, perplexity corpora (names resolved by the caller to files), options.
/// A corpus named <c>wikitext</c> is the harness's document-level task (<see cref="RollingPerplexity"/>); every other
/// corpus is scored over fixed windows of <see cref="Window"/> tokens (<see cref="PerplexityEvaluator"/>).
/// </summary>
public sealed record EvaluationRequest(
    IReadOnlyList<string> Tasks, IReadOnlyList<(string Name, string Path)> PerplexityFiles, string DataDir, int? Limit = null,
    int NumFewshot = 0, int BatchSize = 16, bool AddBos = false, bool SharedContext = true, int Window = 128);

/// <summary>A task's items after <c>--limit</c>, and the size of each (sub)task's split before it.</summary>
public sealed record LoadedTask(TaskDefinition Task, IReadOnlyList<MultipleChoiceItem> Items, IReadOnlyDictionary<string, int> Original);

/// <summary>A document-level perplexity task's pages (as read) and targets (as scored), after <c>--limit</c>.</summary>
public sealed record LoadedDocuments(string Name, IReadOnlyList<(string Page, string Target)> Documents, int Original);

/// <summary>An evaluation's inputs, read and checked: every task's items, every fixed-window text, every document task.</summary>
public sealed record EvaluationInputs(
    EvaluationRequest Request, IReadOnlyList<LoadedTask> Tasks, IReadOnlyList<(string Name, string Text)> Texts)
{
    public IReadOnlyList<LoadedDocuments> Documents { get; init; } = [];

    /// <summary>The generate_until tasks (gsm8k, generative task files).</summary>
    public IReadOnlyList<LoadedGenerative> Generative { get; init; } = [];

    /// <summary>The log-likelihood tasks (lambada_openai).</summary>
    public IReadOnlyList<LoadedLoglikelihood> Loglikelihood { get; init; } = [];
}

/// <summary>
/// Runs a whole evaluation in two steps: <see cref="Prepare"/> resolves and reads every task and text (before any weight is
/// loaded, so bad input fails fast), then <c>Run</c> scores them with the model.
/// </summary>
public static class EvaluationRunner
{
    /// <summary>The corpus name that selects the harness's document-level <c>wikitext</c> task.</summary>
    public const string Wikitext = "wikitext";

    public static EvaluationInputs Prepare(EvaluationRequest request, LlamaConfig model)
    {
        if (request.BatchSize < 1) throw new InvalidInputException($"--batch-size {request.BatchSize} must be at least 1.");
        if (request.Limit is < 1) throw new InvalidInputException($"--limit {request.Limit} must be at least 1.");
        var fixedFiles = request.PerplexityFiles.Where(p => p.Name != Wikitext).ToList();
        if (fixedFiles.Count > 0 && (request.Window < 1 || request.Window > model.MaxPositionEmbeddings))
            throw new InvalidInputException(
                $"--window {request.Window} must be between 1 and the model's {model.MaxPositionEmbeddings} positions.");
        if (request.NumFewshot < 0) throw new InvalidInputException($"--num-fewshot {request.NumFewshot} must not be negative.");
        var generative = request.Tasks.Select(TaskRegistry.ResolveGenerative).OfType<GenerativeTaskDefinition>().ToList();
        var likelihood = request.Tasks.Select(TaskRegistry.ResolveLoglikelihood).OfType<LoglikelihoodTaskDefinition>().ToList();
        var definitions = request.Tasks
            .Where(t => TaskRegistry.ResolveGenerative(t) is null && TaskRegistry.ResolveLoglikelihood(t) is null)
            .Select(TaskRegistry.Resolve).ToList();
        string? zeroShotOnly = definitions.Where(d => !d.SupportsFewshot).Select(d => d.Name)
            .Concat(generative.Where(g => !g.SupportsFewshot).Select(g => g.Name)).Concat(likelihood.Select(l => l.Name)).FirstOrDefault();
        if (request.NumFewshot > 0 && zeroShotOnly is not null)
            throw new InvalidInputException(
                $"--num-fewshot: task '{zeroShotOnly}' is zero-shot only (few-shot is supported for: mmlu, gsm8k).");
        // Every item is read (so n-samples.original is the split's size), then --limit applies: per subject for MMLU,
        // as the harness limits each subtask.
        var options = new TaskLoadOptions(request.DataDir, null, request.NumFewshot);
        var loaded = definitions.Select(d => Limit(d, d.Load(options), request.Limit)).ToList();
        var texts = fixedFiles.Select(p => (p.Name, ReadText(p.Path))).ToList();
        var documents = request.PerplexityFiles.Where(p => p.Name == Wikitext).Select(p =>
        {
            var pages = WikitextDocuments.Split(ReadText(p.Path));
            var kept = pages.Take(request.Limit ?? int.MaxValue).Select(page => (page, WikitextDocuments.Detokenize(page))).ToList();
            return new LoadedDocuments(p.Name, kept, pages.Count);
        }).ToList();
        var generated = generative.Select(g =>
        {
            var items = g.Load(options);
            return new LoadedGenerative(g, [.. items.Take(request.Limit ?? int.MaxValue)], items.Count);
        }).ToList();
        var scored = likelihood.Select(l =>
        {
            var items = l.Load(options);
            return new LoadedLoglikelihood(l, [.. items.Take(request.Limit ?? int.MaxValue)], items.Count);
        }).ToList();
        return new EvaluationInputs(request, loaded, texts) { Documents = documents, Generative = generated, Loglikelihood = scored };
    }

    /// <summary>Both steps at once, for a model already loaded.</summary>
    public static EvaluationReport Run(LlamaForCausalLM model, ITokenizer tokenizer, EvaluationRequest request, EvaluationConfig config,
                                       IProgressSink progress) => Run(model, tokenizer, Prepare(request, model.Config), config, progress);

    public static EvaluationReport Run(LlamaForCausalLM model, ITokenizer tokenizer, EvaluationInputs inputs, EvaluationConfig config,
                                       IProgressSink progress)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var request = inputs.Request;
        model.eval();
        var encoder = new RequestEncoder(tokenizer, request.AddBos);
        var evaluator = new MultipleChoiceEvaluator(encoder, new ModelScorer(model, request.BatchSize, request.SharedContext));
        var tasks = inputs.Tasks.Select(l => evaluator.Evaluate(l.Task, l.Items, progress, l.Task.SupportsFewshot ? request.NumFewshot : 0)
            with { Original = l.Original }).ToList();
        var perplexities = inputs.Texts.Select(t => PerplexityEvaluator.Evaluate(model, encoder, tokenizer, t.Name, t.Text, request.Window,
            request.BatchSize, request.Limit, progress)).ToList();
        var rolling = inputs.Documents.Select(d => RollingPerplexity.Evaluate(model, tokenizer, encoder.AddBos, d.Name, d.Documents,
            d.Original, request.BatchSize, progress)).ToList();
        var scorer = new ModelScorer(model, request.BatchSize, request.SharedContext);
        var likelihood = inputs.Loglikelihood.Select(l => LoglikelihoodResult.Evaluate(l.Task, l.Items, encoder, scorer, progress)
            with { Original = l.Original }).ToList();
        var generator = new GenerativeEvaluator(model, tokenizer, encoder.AddBos, request.BatchSize);
        var generative = inputs.Generative.Select(g => generator.Evaluate(g.Task, g.Items, progress,
            g.Task.SupportsFewshot ? request.NumFewshot : 0) with { Original = g.Original }).ToList();
        return new EvaluationReport(config with { AddBos = encoder.AddBos, MaxLength = model.Config.MaxPositionEmbeddings,
            EotTokenId = tokenizer.EosId }, tasks, perplexities)
        {
            Rolling = rolling, Generative = generative, Loglikelihood = likelihood, Started = started,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private static string ReadText(string path) => File.Exists(path)
        ? InputText.ReadNonEmpty(path, "perplexity text") : throw EvaluationDataException.MissingFile(path, "perplexity text");

    private static LoadedTask Limit(TaskDefinition task, IReadOnlyList<MultipleChoiceItem> items, int? limit)
    {
        if (task.Name != "mmlu")
            return new LoadedTask(task, items.Take(limit ?? int.MaxValue).ToList(),
                new Dictionary<string, int> { [task.Name] = items.Count });
        var subjects = items.GroupBy(i => MmluSubject(i.Id)).ToList();
        return new LoadedTask(task, subjects.SelectMany(g => g.Take(limit ?? int.MaxValue)).ToList(),
            subjects.ToDictionary(g => $"mmlu_{g.Key}", g => g.Count()));
    }

    /// <summary>The subject of an MMLU item id (<c>subject/index</c>).</summary>
    public static string MmluSubject(string id) => id.Split('/')[0];
}
