using System.Text.Json.Serialization;
using ModelCompress.Core.Config;
using ModelCompress.Core.Data;
using ModelCompress.Core.Demo;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using static ModelCompress.Core.Config.Fields;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>A <c>type: finetune</c> stage: heal the current model by fine-tuning. <c>dotnet compress finetune</c> reads the same
/// record. The distillation fields (<see cref="Loss"/> and after) count only with <c>loss: kd</c>.</summary>
public sealed record FinetuneStage(
    string Id,
    [property: JsonConverter(typeof(NamedEnumConverter<FineTuneMethod>))] FineTuneMethod Method,
    string Data,
    [property: JsonConverter(typeof(NamedEnumConverter<DataFormat>))] DataFormat Format,
    [property: JsonConverter(typeof(NamedEnumConverter<PromptTemplateKind>))] PromptTemplateKind Template,
    int TrainableLayers, LoraConfig Lora, double Lr, int Epochs, int BatchSize, int MicroBatchSize, int WarmupSteps, int MaxLen,
    int ValSize, int? MaxSteps, int EvalSteps, int SaveSteps) : StageConfig(Id)
{
    /// <summary>The value of <see cref="Teacher"/> that names the pipeline's unpruned base model.</summary>
    public const string BaseTeacher = "base";

    private static readonly DistillationOptions KdDefaults = new();

    [JsonConverter(typeof(NamedEnumConverter<TrainingLoss>))]
    public TrainingLoss Loss { get; init; } = TrainingLoss.Ce;
    public double Temperature { get; init; } = KdDefaults.Temperature;
    public double Alpha { get; init; } = KdDefaults.Alpha;
    /// <summary><c>base</c> (the pipeline's unpruned base model) or a model folder.</summary>
    public string Teacher { get; init; } = BaseTeacher;
    [JsonConverter(typeof(NamedEnumConverter<TeacherCacheKind>))]
    public TeacherCacheKind TeacherCache { get; init; } = KdDefaults.Cache;
    public int K { get; init; } = KdDefaults.TopK;
    public string TeacherDtype { get; init; } = KdDefaults.TeacherDType;

    /// <summary>The trainer's options for these settings.</summary>
    public TrainingOptions Training(long seed) => new()
    {
        Method = Method, TrainableLayers = TrainableLayers, Lora = new LoraSettings(Lora.R, Lora.Alpha, Lora.Dropout, Lora.Targets),
        LearningRate = Lr, Epochs = Epochs, BatchSize = BatchSize, MicroBatchSize = MicroBatchSize, WarmupSteps = WarmupSteps,
        MaxLength = MaxLen, ValidationSize = ValSize, MaxSteps = MaxSteps, Seed = seed, EvalSteps = EvalSteps, SaveSteps = SaveSteps,
        Distillation = Loss == TrainingLoss.Kd
            ? new DistillationOptions
            {
                Temperature = Temperature, Alpha = Alpha, Cache = TeacherCache, TopK = K, TeacherDType = TeacherDtype,
            }
            : null,
    };

    /// <summary>
    /// What the stage's key hashes of its settings: with <c>loss: ce</c> exactly the fields that existed before distillation
    /// (so keys of earlier runs stay valid); with kd also its fields (<c>k</c> only for a top-K teacher cache) except
    /// <c>teacher</c>, whose weights' content key is a part of the key of its own (a moved teacher folder keeps the key).
    /// </summary>
    public System.Text.Json.Nodes.JsonNode KeySettings()
    {
        var settings = PipelineConfigLoader.Settings(this).AsObject();
        string[] unused = Loss == TrainingLoss.Ce ? [.. KdFields] : TeacherCache == TeacherCacheKind.None ? ["k", "teacher"] : ["teacher"];
        foreach (string field in unused) settings.Remove(field);
        return settings;
    }

    /// <summary>The pipeline names of the distillation fields.</summary>
    public static readonly IReadOnlyList<string> KdFields =
        ["loss", "temperature", "alpha", "teacher", "teacher_cache", "k", "teacher_dtype"];
}

/// <summary>LoRA adapter settings of a finetune stage.</summary>
public sealed record LoraConfig(int R, double Alpha, double Dropout, IReadOnlyList<string> Targets);

/// <summary>Heals the current model; the output folder holds the healed model (with finetune.json). Resumable with --resume.</summary>
internal sealed class FinetuneStageType : StageType<FinetuneStage>
{
    private static readonly TrainingOptions Defaults = new();
    private static readonly DistillationOptions KdDefaults = new();

    public override StageSyntax Syntax { get; } = Spell("finetune",
        "Heal the pruned model by fine-tuning (the paper's trainer: AdamW, warm-up then linear decay).",
        OneOf("method", "partial (lm_head, final norm and the last trainable_layers layers), lora, qlora or full.", Defaults.Method),
        Str("data", "Training data file.") with { Required = true, Path = PathRule.File },
        OneOf("format", "alpaca (JSON), dolly (JSONL), jsonl (prompt/completion) or text (packed windows).", DataFormat.Alpaca),
        OneOf("template", "Prompt template for instruction data.", PromptTemplateKind.Alpaca),
        Int("trainable_layers", "partial: how many of the last layers to train (paper best: 3).", Defaults.TrainableLayers, 0),
        Obj("lora", "LoRA adapter settings (lora and qlora methods).",
            Int("r", "Adapter rank.", Defaults.Lora.Rank, 1),
            Num("alpha", "Scale numerator: updates are scaled by alpha / r.", Defaults.Lora.Alpha, 0),
            Num("dropout", "Dropout on the adapter input.", Defaults.Lora.Dropout, 0, 1),
            List("targets", "Projections that get adapters.", OneOf("target", "A projection.", LoraSettings.AllTargets)) with
                { Default = LoraSettings.AllTargets.ToArray() }) with { DefaultsWhenAbsent = true },
        Num("lr", "Peak learning rate.", Defaults.LearningRate, 0),
        Int("epochs", "Passes over the training data.", Defaults.Epochs, 1),
        Int("batch_size", "Effective batch size (micro-batch × gradient accumulation).", Defaults.BatchSize, 1),
        Int("micro_batch_size", "Examples per forward/backward pass.", Defaults.MicroBatchSize, 1),
        Int("warmup_steps", "Linear warm-up steps.", Defaults.WarmupSteps, 0),
        Int("max_len", "Tokens per example (longer ones are cut).", Defaults.MaxLength, 8),
        Int("val_size", "Examples held out for validation; the best checkpoint is kept.", Defaults.ValidationSize, 0),
        Int("max_steps", "Stop after this many optimizer steps (for quick runs).", null, 1),
        Int("eval_steps", "Validate every this many optimizer steps (and after the last).", Defaults.EvalSteps, 1),
        Int("save_steps", "Write a resumable checkpoint every this many optimizer steps.", Defaults.SaveSteps, 1),
        OneOf("loss", "ce (cross-entropy on the labels) or kd (distill the teacher's logits, mixed with ce by alpha).", TrainingLoss.Ce),
        Num("temperature", "kd: softmax temperature T of teacher and student (the KD term is scaled by T²).",
            KdDefaults.Temperature, 0),
        Num("alpha", "kd: loss = alpha·KD + (1 − alpha)·CE per trained token (1 = logits only, as Minitron).", KdDefaults.Alpha, 0, 1),
        Str("teacher", "kd: base (the pipeline's unpruned base model) or a model folder with the same tokenizer.") with
        {
            Default = FinetuneStage.BaseTeacher,
            Path = new PathRule(Folder: true, IsName: v => v == FinetuneStage.BaseTeacher, What: "model folder"),
        },
        OneOf("teacher_cache", "kd: topk (one teacher pass stores its top-k log-probabilities per token) or none (teacher on the fly).",
            KdDefaults.Cache),
        Int("k", "kd with teacher_cache topk: tokens kept per position; the rest of the vocabulary is one tail bucket.",
            KdDefaults.TopK, 1),
        OneOf("teacher_dtype", "kd: the teacher's dtype; auto = bf16 on CUDA, the run's dtype on CPU.", ComputeSettings.DTypeNames,
            KdDefaults.TeacherDType));

    protected override void Apply(FinetuneStage stage, StageWalk walk)
    {
        var run = walk.Run;
        var model = walk.Current;
        if (stage.Method == FineTuneMethod.Partial && stage.TrainableLayers > model.Layers)
            throw new InvalidInputException($"stage {stage.Id}: trainable_layers {stage.TrainableLayers} " +
                                            $"is more than the {model.Layers} layers " +
                                            "the model has at this point; lower it.");
        var (teacher, teacherKey) = Teacher(stage, walk);
        // A plan may lack the data (it is planned from max_steps) or the teacher; then the step has no key yet.
        string? key = model.Key is null || (walk.Planning && !stage.Data.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)
                                            && !File.Exists(run.Resolve(stage.Data)))
                      || (stage.Loss == TrainingLoss.Kd && teacherKey is null)
            ? null
            : stage.Loss == TrainingLoss.Ce
                ? run.Key("finetune", model.Key, stage.KeySettings(), run.HashFile(run.Resolve(stage.Data)))
                : run.Key("finetune", model.Key, stage.KeySettings(), run.HashFile(run.Resolve(stage.Data)), teacherKey);
        string? work = null;
        if (!walk.Planning)
        {
            work = run.Cache.WorkFolder(key!);
            if (!run.Options.Resume && Directory.Exists(work)) Directory.Delete(work, recursive: true); // --resume keeps the checkpoint
        }
        string? folder = walk.Step(stage.Id, "finetune", key, model.Layers, () => Note(stage, walk), output =>
        {
            var options = stage.Training(run.Seed);
            if (options.Distillation is { } kd) options = options with { Distillation = kd with { TeacherId = teacherKey! } };
            options.Validate(field => $"stage {stage.Id}: {field}");
            FineTuneRun.Run(new FineTuneRequest(model.Path, Path.Combine(output, StageFiles.Model), run.Resolve(stage.Data), stage.Format,
                stage.Template, options, run.Device, run.DType, work!, teacher) { Place = run.Place(options) }, run.Progress,
                run.Cancellation);
        }, planner => Estimate(stage, walk, planner, model.Layers));
        walk.Current = model with { Folder = folder is null ? null : Path.Combine(folder, StageFiles.Model), Key = key };
    }

    // kd: the teacher's folder (null while planning a model not there yet) and content key; (null, null) for ce.
    private static (string? Folder, string? Key) Teacher(FinetuneStage stage, StageWalk walk)
    {
        if (stage.Loss == TrainingLoss.Ce) return (null, null);
        if (stage.Teacher == FinetuneStage.BaseTeacher) return (walk.Base.Folder, walk.Base.Key);
        string folder = walk.Run.Resolve(stage.Teacher);
        return Directory.Exists(folder) ? (folder, walk.Run.HashFolder(folder)) : (null, null);
    }

    private static string Note(FinetuneStage stage, StageWalk walk)
    {
        string method = stage.Method.Name() + (stage.Loss == TrainingLoss.Kd ? $" + kd (T {stage.Temperature}, alpha {stage.Alpha}, " +
            $"{(stage.TeacherCache == TeacherCacheKind.Topk ? $"top-{stage.K}" : "teacher on the fly")})" : "");
        if (walk.DemoPending && stage.Data.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal))
            return $"{method}; built-in data is generated on first run";
        if (DataTokens(stage, walk) is not long epoch) return $"{method}; data {stage.Data} (not available yet)";
        string source = File.Exists(walk.Run.Resolve(stage.Data)) ? "" : $" (data {stage.Data} not available yet: from max_steps)";
        var options = stage.Training(walk.Run.Seed);
        long tokens = Tokens(stage, epoch);
        double flops = walk.Planner!.TrainingFlops(options, walk.Current.Layers, tokens, Math.Min(tokens, epoch));
        return $"{method}; ~{tokens:N0} training tokens{source}, ~{flops / 1e12:0.###} TFLOP";
    }

    // Rough: about 4 bytes of text per token, for one epoch; without the data, max_steps full batches of max_len tokens over the
    // epochs; null when neither is known.
    private static long? DataTokens(FinetuneStage stage, StageWalk walk)
    {
        if (walk.DemoPending && stage.Data.StartsWith(DemoAssets.Scheme, StringComparison.Ordinal)) return null;
        string data = walk.Run.Resolve(stage.Data);
        if (File.Exists(data)) return new FileInfo(data).Length / 4;
        return stage.MaxSteps is int steps ? (long)steps * stage.BatchSize * stage.MaxLen / stage.Epochs : null;
    }

    // All trained tokens: every epoch, or max_steps batches of max_len tokens when fewer.
    private static long Tokens(FinetuneStage stage, long epoch) =>
        stage.MaxSteps is int steps ? Math.Min(epoch * stage.Epochs, (long)steps * stage.BatchSize * stage.MaxLen) : epoch * stage.Epochs;

    // Planning: partial's hidden-state cache holds every example it has seen (training and validation), once.
    private static Planning.StageEstimate Estimate(FinetuneStage stage, StageWalk walk, Planning.MemoryPlanner planner, int layers)
    {
        var options = stage.Training(walk.Run.Seed);
        long epoch = DataTokens(stage, walk) ?? 0, tokens = Tokens(stage, epoch), fresh = Math.Min(tokens, epoch);
        long cached = options.Method == FineTuneMethod.Partial && options.HiddenStateCache
            ? Math.Min(epoch, stage.MaxSteps is int s ? ((long)s * stage.BatchSize + stage.ValSize) * stage.MaxLen : epoch) : 0;
        var train = planner.Train(options, layers, tokens, fresh, cached, spills: false);
        if (options.Distillation is not { } kd) return train;
        // The teacher is the base model (a teacher folder is planned at the base's size; it needs the same vocabulary anyway).
        var teacher = planner.Dims with { Layers = walk.Base.Layers };
        int bytes = planner.Target.IsGpu && kd.TeacherDType == "auto" ? 2 : kd.TeacherDType switch
        {
            "fp32" => 4, "bf16" or "fp16" => 2, _ => planner.Target.DTypeBytes,
        };
        bool live = kd.Cache == TeacherCacheKind.None;
        long positions = live ? 0
            : Math.Min(epoch, stage.MaxSteps is int m ? ((long)m * stage.BatchSize + stage.ValSize) * stage.MaxLen : epoch);
        return planner.WithTeacher(train, options, teacher, bytes, live ? tokens : positions, positions * (8L * kd.TopK + 4));
    }
}
