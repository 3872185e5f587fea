using System.CommandLine;
using ModelCompress.Core;
using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using ModelCompress.Core.Pipeline.Stages;

namespace ModelCompress.Cli.Commands.Finetune;

/// <summary><c>dotnet compress finetune</c>: heal a (pruned) model by partial-layer, LoRA, QLoRA or full fine-tuning.</summary>
public static class FinetuneCommand
{
    public static Command Build(TextWriter output)
    {
        var defaults = new TrainingOptions();
        Option<T> Opt<T>(string name, string description, T value) =>
            new(name) { Description = description, DefaultValueFactory = _ => value };
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder to heal.", Required = true };
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the healed model (plain HF checkpoint + finetune.json).",
            Required = true,
        };
        var data = new Option<FileInfo>("--data") { Description = "Training data file.", Required = true };
        var method = Opt("--method", "partial (lm_head, final norm, last k layers), lora, qlora (NF4 base + LoRA) or full.", "partial")
            .AcceptOnlyFromAmong([.. EnumNames.Of<FineTuneMethod>()]);
        var format = Opt("--format", "alpaca (JSON array), dolly (JSONL), jsonl (prompt/completion) or text (packed windows).", "alpaca")
            .AcceptOnlyFromAmong([.. EnumNames.Of<DataFormat>()]);
        var template = Opt("--template", "Prompt template: alpaca, dolly or none.", "alpaca")
            .AcceptOnlyFromAmong([.. EnumNames.Of<PromptTemplateKind>()]);
        var layers = Opt("--trainable-layers", "partial: train the last k decoder layers (0 = lm_head and norm only).",
            defaults.TrainableLayers);
        var loraR = Opt("--lora-r", "LoRA rank.", defaults.Lora.Rank);
        var loraAlpha = Opt("--lora-alpha", "LoRA alpha (adapter scale alpha / r).", defaults.Lora.Alpha);
        var loraDropout = Opt("--lora-dropout", "Dropout on the adapter input.", defaults.Lora.Dropout);
        var loraTargets = Opt("--lora-targets", "Projections with adapters, comma-separated.", string.Join(",", LoraSettings.AllTargets));
        var lr = Opt("--lr", "Peak learning rate (AdamW, betas 0.9/0.999, no weight decay).", defaults.LearningRate);
        var epochs = Opt("--epochs", "Passes over the training data.", defaults.Epochs);
        var batch = Opt("--batch-size", "Examples per optimizer step (gradient accumulation over micro-batches).", defaults.BatchSize);
        var micro = Opt("--micro-batch-size", "Examples per forward/backward pass.", defaults.MicroBatchSize);
        var warmup = Opt("--warmup-steps", "Linear warm-up steps, then linear decay to 0.", defaults.WarmupSteps);
        var maxLen = Opt("--max-len", "Cutoff in tokens.", defaults.MaxLength);
        var valSize = Opt("--val-size", "Held-out validation examples (the best step by validation loss is exported; 0 = last step).",
            defaults.ValidationSize);
        var seed = Opt("--seed", "Seed of the split, data order, adapter init and dropout.", defaults.Seed);
        var evalSteps = Opt("--eval-steps", "Validate every N optimizer steps (and after the last).", defaults.EvalSteps);
        var saveSteps = Opt("--save-steps", "Write a resumable checkpoint every N optimizer steps.", defaults.SaveSteps);
        var maxSteps = new Option<int?>("--max-steps")
        {
            Description = "Stop after N optimizer steps (the schedule still spans all epochs).",
        };
        var checkpointDir = new Option<DirectoryInfo?>("--checkpoint-dir")
        {
            Description = "Resumable state (default: <out>.checkpoint); a run with the same inputs resumes from it.",
        };
        var noCache = Opt("--no-hidden-cache", "partial: recompute the frozen prefix every epoch instead of caching its output.", false);
        var cacheDir = new Option<DirectoryInfo?>("--cache-dir")
        {
            Description = "partial: spill cached hidden states to a file here instead of memory.",
        };
        var kd = new DistillationOptions();
        var loss = Opt("--loss", "ce (cross-entropy) or kd (distill --teacher's logits: alpha·KD + (1 − alpha)·CE).", "ce")
            .AcceptOnlyFromAmong([.. EnumNames.Of<TrainingLoss>()]);
        var temperature = Opt("--temperature", "kd: softmax temperature T (the KD term is scaled by T²).", kd.Temperature);
        var alpha = Opt("--alpha", "kd: weight of the KD term; 1 - alpha weights cross-entropy.", kd.Alpha);
        var teacher = new Option<DirectoryInfo?>("--teacher")
        {
            Description = "kd: the teacher model folder (usually the unpruned model; same tokenizer).",
        };
        var teacherCache = Opt("--teacher-cache", "kd: topk (one teacher pass stores its top-k per token) or none (teacher on the fly).",
            "topk").AcceptOnlyFromAmong([.. EnumNames.Of<TeacherCacheKind>()]);
        var topK = Opt("--k", "kd with --teacher-cache topk: tokens kept per position (the rest is one tail bucket).", kd.TopK);
        var teacherDType = Opt("--teacher-dtype", "kd: the teacher's dtype (auto: bf16 on CUDA, --dtype on CPU).", kd.TeacherDType)
            .AcceptOnlyFromAmong([.. ComputeSettings.DTypeNames]);
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("finetune",
            "Heal a model by fine-tuning (the paper's trainer: AdamW, warm-up + linear decay, prompt tokens masked).")
        {
            model, outDir, data, method, format, template, layers, loraR, loraAlpha, loraDropout, loraTargets, lr, epochs, batch, micro,
            warmup, maxLen, valSize, seed, evalSteps, saveSteps, maxSteps, checkpointDir, noCache, cacheDir, loss, temperature, alpha,
            teacher, teacherCache, topK, teacherDType, device, dtype,
        };
        command.SetAction(parse =>
        {
            // The same record a pipeline's finetune stage is read into, so both train with the same options.
            var stage = new FinetuneStage("finetune", EnumNames.Parse<FineTuneMethod>(parse.GetValue(method)!, "--method"),
                parse.GetValue(data)!.FullName, EnumNames.Parse<DataFormat>(parse.GetValue(format)!, "--format"),
                EnumNames.Parse<PromptTemplateKind>(parse.GetValue(template)!, "--template"), parse.GetValue(layers),
                new LoraConfig(parse.GetValue(loraR), parse.GetValue(loraAlpha), parse.GetValue(loraDropout),
                    parse.GetValue(loraTargets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
                parse.GetValue(lr), parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(micro), parse.GetValue(warmup),
                parse.GetValue(maxLen), parse.GetValue(valSize), parse.GetValue(maxSteps), parse.GetValue(evalSteps),
                parse.GetValue(saveSteps))
            {
                Loss = EnumNames.Parse<TrainingLoss>(parse.GetValue(loss)!, "--loss"), Temperature = parse.GetValue(temperature),
                Alpha = parse.GetValue(alpha),
                TeacherCache = EnumNames.Parse<TeacherCacheKind>(parse.GetValue(teacherCache)!, "--teacher-cache"),
                K = parse.GetValue(topK), TeacherDtype = parse.GetValue(teacherDType)!,
            };
            var options = stage.Training(parse.GetValue(seed)) with
            {
                HiddenStateCache = !parse.GetValue(noCache), CacheSpillFolder = parse.GetValue(cacheDir)?.FullName,
            };
            options.Validate(); // every argument error before any file is read
            string? teacherFolder = parse.GetValue(teacher)?.FullName;
            if (stage.Loss == TrainingLoss.Kd && teacherFolder is null)
                throw new InvalidInputException("--loss kd needs --teacher DIR (the model to distill from, e.g. the unpruned one).");
            string outFolder = parse.GetValue(outDir)!.FullName;
            var (dev, type) = CommonOptions.Resolve(parse, device, dtype);
            var request = new FineTuneRequest(parse.GetValue(model)!.FullName, outFolder, stage.Data, stage.Format, stage.Template,
                options, dev, type,
                parse.GetValue(checkpointDir)?.FullName ?? outFolder.TrimEnd(Path.DirectorySeparatorChar) + ".checkpoint",
                stage.Loss == TrainingLoss.Kd ? teacherFolder : null);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCtrlC;
            try
            {
                var report = FineTuneRun.Run(request, ConsoleProgress.ForStandardError(), cancel.Token);
                output.WriteLine($"{outFolder}: {report.Method}, {report.TrainableParameters:N0} trainable parameters, " +
                                 $"best step {report.BestStep}/{report.Steps}" +
                                 (report.BestValidationLoss is double v ? $", validation loss {v:F4}" : ""));
            }
            catch (OperationCanceledException)
            {
                throw new OperationCanceledException($"cancelled; run the same command again to resume from {request.CheckpointFolder}.");
            }
            finally
            {
                Console.CancelKeyPress -= onCtrlC;
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
