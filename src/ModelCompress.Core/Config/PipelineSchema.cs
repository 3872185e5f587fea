using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Config;

/// <summary>The schema of pruning.yaml: every field, its type, default and documentation.</summary>
public static class PipelineSchema
{
    public static readonly string[] StageTypes = ["score", "prune", "finetune", "evaluate"];
    public static readonly string[] LoraTargets = ["q", "k", "v", "o", "gate", "up", "down"];
    private const string CountOrPercent = @"^\s*(\d+|\d+(\.\d+)?%)\s*$";
    private const string LayerList = @"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$";

    private static FieldSpec Str(string name, string description) => new(name, ValueKind.String, description);
    private static FieldSpec Int(string name, string description, long? @default = null, double? min = null) =>
        new(name, ValueKind.Integer, description) { Default = @default, Minimum = min };
    private static FieldSpec Num(string name, string description, double? @default = null, double? min = null, double? max = null) =>
        new(name, ValueKind.Number, description) { Default = @default, Minimum = min, Maximum = max };
    private static FieldSpec Enum(string name, string description, string[] allowed, string? @default = null) =>
        new(name, ValueKind.Enum, description) { Allowed = allowed, Default = @default };
    private static FieldSpec Obj(string name, string description, params FieldSpec[] fields) =>
        new(name, ValueKind.Object, description) { Object = new ObjectSpec(name, description, fields) };
    private static FieldSpec List(string name, string description, FieldSpec item) => new(name, ValueKind.List, description) { Item = item };

    public static readonly ObjectSpec Model = new("model", "The base model to compress.",
    [
        Str("source", "A local Hugging Face model folder (config.json, safetensors, tokenizer), or a blob URL (az://ACCOUNT/CONTAINER/PREFIX, https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX, http://127.0.0.1:PORT/devstoreaccount1/CONTAINER/PREFIX) pulled into a local cache keyed by blob ETag.") with { Required = true },
        Str("revision", "A label for the source's version (commit, blob snapshot), recorded in the manifest."),
    ]);

    public static readonly ObjectSpec Compute = new("compute", "Where and how to compute.",
    [
        Enum("device", "auto (CUDA when available), cpu or cuda.", ["auto", "cpu", "cuda"], "auto"),
        Enum("dtype", "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, or fp16 (CUDA only).", ["auto", "fp32", "bf16", "fp16"], "auto"),
        Int("threads", "CPU threads for libtorch (0 = all cores).", 0, 0),
        Int("seed", "Seed for calibration sampling, random scoring, data order and dropout.", 42),
    ]);

    public static readonly ObjectSpec Calibration = new("calibration", "Text for data-driven layer metrics (taylor, perplexity, block-influence, angular).",
    [
        Str("text", "UTF-8 text file, tokenized whole; windows are drawn from it.") with { Required = true },
        Int("samples", "Number of windows (paper: 10).", 10, 1),
        Int("seq_len", "Tokens per window (paper: 128).", 128, 2),
    ]);

    public static readonly FieldSpec Lora = Obj("lora", "LoRA adapter settings (lora and qlora methods).",
        Int("r", "Adapter rank.", 8, 1),
        Num("alpha", "Scale numerator: updates are scaled by alpha / r.", 16, 0),
        Num("dropout", "Dropout on the adapter input.", 0.05, 0, 1),
        List("targets", "Projections that get adapters.", Enum("target", "A projection.", LoraTargets)) with { Default = LoraTargets })
        with { DefaultsWhenAbsent = true };

    public static readonly IReadOnlyDictionary<string, ObjectSpec> Stages = new Dictionary<string, ObjectSpec>
    {
        ["score"] = new("score", "Score every decoder layer with a metric (lower = removed first).",
        [
            Enum("metric", "Layer-importance metric.", [.. ScoringMetrics.Names]) with { Required = true },
            Enum("bi_reduction", "block-influence: per-token (ShortGPT) or flattened (the paper's code).", ["per-token", "flattened"], "per-token"),
            Int("block_size", "angular: consecutive layers per block.", 1, 1),
            new FieldSpec("low_memory", ValueKind.Boolean, "Forward-only metrics: load one layer at a time.") { Default = false },
        ]),
        ["prune"] = new("prune", "Remove decoder layers: choose them by metric, by an earlier score stage, or list them.",
        [
            Enum("metric", "Score with this metric, then remove the lowest-scoring layers.", [.. ScoringMetrics.Names]),
            Str("scores", "Id of an earlier score stage whose removal order to follow."),
            Str("layers", "Exactly which layers to remove, 0-based, e.g. \"24-31\" or \"3,5,7\".") with { Pattern = (LayerList, "a list such as 24-31,5") },
            Str("remove", "How many layers to remove: a count (8) or a percentage (25%). Required with metric or scores.") with { Pattern = (CountOrPercent, "a count such as 8 or a percentage such as 25%") },
            Obj("iterative", "Remove `step` layers at a time, healing with the `heal` finetune stage and re-scoring between steps, until `remove` layers are gone.",
                Int("step", "Layers removed per iteration.", null, 1) with { Required = true },
                Str("heal", "Id of the finetune stage used between iterations.") with { Required = true }),
        ]),
        ["finetune"] = new("finetune", "Heal the pruned model by fine-tuning (the paper's trainer: AdamW, warm-up then linear decay).",
        [
            Enum("method", "partial (lm_head, final norm and the last trainable_layers layers), lora, qlora or full.", ["partial", "lora", "qlora", "full"], "partial"),
            Str("data", "Training data file.") with { Required = true },
            Enum("format", "alpaca (JSON), dolly (JSONL), jsonl (prompt/completion) or text (packed windows).", ["alpaca", "dolly", "jsonl", "text"], "alpaca"),
            Enum("template", "Prompt template for instruction data.", ["alpaca", "dolly", "none"], "alpaca"),
            Int("trainable_layers", "partial: how many of the last layers to train (paper best: 3).", 3, 0),
            Lora,
            Num("lr", "Peak learning rate.", 1e-5, 0),
            Int("epochs", "Passes over the training data.", 2, 1),
            Int("batch_size", "Effective batch size (micro-batch × gradient accumulation).", 64, 1),
            Int("micro_batch_size", "Examples per forward/backward pass.", 4, 1),
            Int("warmup_steps", "Linear warm-up steps.", 100, 0),
            Int("max_len", "Tokens per example (longer ones are cut).", 256, 8),
            Int("val_size", "Examples held out for validation; the best checkpoint is kept.", 2000, 0),
            Int("max_steps", "Stop after this many optimizer steps (for quick runs).", null, 1),
        ]),
        ["evaluate"] = new("evaluate", "Evaluate baseline and candidate on zero-shot multiple-choice tasks and perplexity.",
        [
            List("tasks", "Tasks: arc_easy, arc_challenge, piqa, hellaswag, winogrande, openbookqa, mmlu, boolq, or a task file.", Str("task", "A task.")) with { Default = Array.Empty<string>() },
            List("perplexity", "Perplexity corpora: wikitext2, ptb, or a text file.", Str("corpus", "A corpus.")) with { Default = Array.Empty<string>() },
            Int("limit", "Evaluate only the first N items of each task.", null, 1),
            Int("num_fewshot", "Few-shot examples per prompt.", 0, 0),
            Int("batch_size", "Sequences per forward pass.", 16, 1),
            Int("window", "Perplexity window in tokens.", 128, 2),
            Str("data", "Benchmark folder (default: $MODELCOMPRESS_DATA/eval)."),
        ]),
    };

    public static readonly ObjectSpec Gate = new("gate", "A quality gate on a metric of the results; every condition given must hold.",
    [
        Str("metric", "A results metric: <task>.<metric> (arc_easy.acc_norm, average.acc, wikitext2.word_perplexity) or parameters.") with { Required = true },
        Num("min", "The candidate's value must be at least this."),
        Num("max", "The candidate's value must be at most this."),
        Num("max_drop", "The candidate may be at most this much below the baseline (absolute).", null, 0),
        Num("max_relative_drop", "The candidate may be at most this percentage of the baseline worse (perplexities may rise by more than 100%).", null, 0),
        Obj("not_significantly_worse", "Per-item paired test (exact one-sided McNemar) against the baseline: fail when p < alpha.",
            Num("alpha", "Significance level.", 0.05, 0, 1)),
    ]);

    public static readonly ObjectSpec Publish = new("publish", "Where a model that passes every gate goes.",
    [
        List("targets", "Blob URLs (az://ACCOUNT/CONTAINER/PREFIX, https://…, emulator URLs) a passed run is published to, as PREFIX/NAME/RUN_ID/.", Str("target", "A target.")) with { Default = Array.Empty<string>() },
        new FieldSpec("github", ValueKind.Boolean, "Comment on the pull request and create a check run when the run belongs to one.") { Default = true },
    ]);

    public static readonly ObjectSpec Root = new("pruning.yaml", "A layer-pruning pipeline: model, stages, gates, publishing.",
    [
        Str("name", "Name of the pipeline; used in run folders and published paths.") with { Required = true, Pattern = (@"^[A-Za-z0-9][A-Za-z0-9._-]*$", "letters, digits, '.', '_' and '-'") },
        new FieldSpec("model", ValueKind.Object, Model.Description) { Object = Model, Required = true },
        new FieldSpec("compute", ValueKind.Object, Compute.Description) { Object = Compute, DefaultsWhenAbsent = true },
        new FieldSpec("calibration", ValueKind.Object, Calibration.Description) { Object = Calibration },
        new FieldSpec("stages", ValueKind.List, "The stages, run in order; each has an id and a type (score, prune, finetune, evaluate).")
            { Required = true, Item = new FieldSpec("stage", ValueKind.Stage, "A stage.") },
        new FieldSpec("gates", ValueKind.List, "Quality gates against the unpruned baseline.") { Item = new FieldSpec("gate", ValueKind.Object, Gate.Description) { Object = Gate }, Default = Array.Empty<object>() },
        new FieldSpec("publish", ValueKind.Object, Publish.Description) { Object = Publish, DefaultsWhenAbsent = true },
    ]);
}
