using ModelCompress.Core.Model;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Config;

/// <summary>
/// The schema of pruning.yaml outside the stages: every field, its type, default and documentation. Each stage type brings
/// its own fields (<see cref="StageSyntax"/>).
/// </summary>
public static class PipelineSchema
{
    /// <summary>The GPUs of the planning table (kept here so Config names no Planning type).</summary>
    public static readonly IReadOnlyList<string> GpuNames =
        ["A100-40GB", "A100-80GB", "H100-80GB", "H200", "L40S", "L4", "A10G", "RTX-4090"];

    public static readonly ObjectSpec Model = new("model", "The base model to compress.",
    [
        Str("source", "A local Hugging Face model folder (config.json, safetensors, tokenizer), or a blob URL " +
                      "(az://ACCOUNT/CONTAINER/PREFIX, https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX, " +
                      "http://127.0.0.1:PORT/devstoreaccount1/CONTAINER/PREFIX) pulled into a local cache keyed by blob ETag.")
            with { Required = true },
        Str("revision", "A label for the source's version (commit, blob snapshot), recorded in the manifest."),
        Str("id", "The base model's Hugging Face Hub id (meta-llama/Llama-3.1-8B): the model card's base_model. Default: the " +
                  "_name_or_path of the base's config.json when it is a Hub id, else model.source as written.")
            with { Pattern = (@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$", "a Hub id: OWNER/NAME or NAME") },
        Str("license", "The model card's licence, a Hub licence id (apache-2.0, llama3.1, other). Default: the licence in the " +
                       "front matter of the base folder's README.md, else unknown.")
            with { Pattern = (@"^[a-z0-9][a-z0-9._-]*$", "a Hub licence id in lower case: apache-2.0, mit, llama3.1, other") },
    ]);

    public static readonly ObjectSpec Compute = new("compute", "Where and how to compute.",
    [
        OneOf("device", "auto (CUDA when available), cpu or cuda.", ComputeSettings.DeviceNames, "auto"),
        OneOf("dtype", "auto (bf16 on CUDA, fp32 on CPU), fp32, bf16, or fp16 (CUDA only).", ComputeSettings.DTypeNames, "auto"),
        Int("threads", "CPU threads for libtorch (0 = all cores).", 0, 0),
        Int("seed", "Seed for calibration sampling, random scoring, data order and dropout.", 42),
        Str("libtorch", "A libtorch lib/ folder to use instead of the bundled CPU libtorch: libtorch/lib of the official archive " +
                        "(https://download.pytorch.org/libtorch/) or site-packages/torch/lib of a pip-installed torch, of the " +
                        "libtorch version the tool is built for (major.minor; see dotnet compress doctor). Relative to this file. " +
                        "--libtorch and MODELCOMPRESS_LIBTORCH take precedence."),
        OneOf("gpu", "The GPU `plan` plans memory and time for (device cuda or auto).", GpuNames),
        Num("tflops", "A measured throughput (TFLOPS) `plan` uses instead of the GPU table's or the CPU default.", null, 0),
        List("devices", "Split the decoder layers over these devices, in order (cuda:0, cuda:1, ...): the embedding on the first, " +
                        "final norm and lm_head on the last, layers balanced by parameters (and, when training, gradients and " +
                        "optimizer states). One entry is the same as device; repeated cpu entries are CPU slots that take the same " +
                        "transfers (for tests).",
            Str("device", "cpu, cuda or cuda:N.") with { Pattern = (ComputeSettings.DevicePattern, "cpu, cuda or cuda:N (N = 0, 1, ...)") })
            with { Default = Array.Empty<string>() },
        Str("memory_limit", "The memory each device may use, e.g. 24GiB or 512MiB (default: the GPU's memory, or the CPU's " +
                            "available RAM). Plans and the automatic choices (bf16 on CPU, layer streaming) use it; " +
                            "MODELCOMPRESS_MEMORY_LIMIT takes precedence.")
            with { Pattern = (Planning.MemorySize.Pattern, "a size such as 24GiB, 512MiB or 80GB") },
    ]);


    public static readonly ObjectSpec Calibration = new("calibration",
        "Text for data-driven layer metrics (taylor, perplexity, block-influence, angular, window) and for repair.",
    [
        Str("text", "UTF-8 text file, tokenized whole; windows are drawn from it.") with { Required = true },
        Int("samples", "Number of windows (paper: 10).", 10, 1),
        Int("seq_len", "Tokens per window (paper: 128).", 128, 2),
    ]);

    public static readonly ObjectSpec Gate = new("gate", "A quality gate on a metric of the results; every condition given must hold.",
    [
        Str("metric", "A results metric: <task>.<metric> (arc_easy.acc_norm, average.acc, wikitext2.word_perplexity) or parameters.")
            with { Required = true },
        Num("min", "The candidate's value must be at least this."),
        Num("max", "The candidate's value must be at most this."),
        Num("max_drop", "The candidate may be at most this much below the baseline (absolute).", null, 0),
        Num("max_relative_drop",
            "The candidate may be at most this percentage of the baseline worse (perplexities may rise by more than 100%).", null, 0),
        Obj("not_significantly_worse", "Per-item paired test (exact one-sided McNemar) against the baseline: fail when p < alpha.",
            Num("alpha", "Significance level.", 0.05, 0, 1)),
    ]);

    public static readonly ObjectSpec Publish = new("publish", "Where a model that passes every gate goes.",
    [
        List("targets",
            "Blob URLs (az://ACCOUNT/CONTAINER/PREFIX, https://…, emulator URLs) a passed run is published to, as PREFIX/NAME/RUN_ID/.",
            Str("target", "A target.")) with { Default = Array.Empty<string>() },
        Bool("github", "Comment on the pull request and create a check run when the run belongs to one.", true),
    ]);

    public static readonly ObjectSpec Root = new("pruning.yaml", "A layer-pruning pipeline: model, stages, gates, publishing.",
    [
        Str("name", "Name of the pipeline; used in run folders and published paths.")
            with { Required = true, Pattern = (@"^[A-Za-z0-9][A-Za-z0-9._-]*$", "letters, digits, '.', '_' and '-'") },
        new FieldSpec("model", ValueKind.Object, Model.Description) { Object = Model, Required = true },
        new FieldSpec("compute", ValueKind.Object, Compute.Description) { Object = Compute, DefaultsWhenAbsent = true },
        new FieldSpec("calibration", ValueKind.Object, Calibration.Description) { Object = Calibration },
        new FieldSpec("stages", ValueKind.List,
                      "The stages, run in order; each has an id and a type (score, prune, repair, finetune, evaluate).")
            { Required = true, Item = new FieldSpec("stage", ValueKind.Stage, "A stage.") },
        new FieldSpec("gates", ValueKind.List, "Quality gates against the unpruned baseline.")
            { Item = new FieldSpec("gate", ValueKind.Object, Gate.Description) { Object = Gate }, Default = Array.Empty<object>() },
        new FieldSpec("publish", ValueKind.Object, Publish.Description) { Object = Publish, DefaultsWhenAbsent = true },
    ]);
}
