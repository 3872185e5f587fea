using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// The healing loop of the paper's trainer, written out plainly: for each optimizer step, a seeded shuffle picks the batch,
/// gradients accumulate over micro-batches (loss = summed token cross-entropy / label tokens of the whole batch, so the
/// micro-batch size does not change the result), the gradient norm is clipped, AdamW steps with the warm-up/linear-decay
/// learning rate, and every <see cref="TrainingOptions.EvalSteps"/> the validation loss decides which weights are kept.
/// Dropout is reseeded from (seed, step), so a run resumed from a checkpoint continues exactly as an uninterrupted one.
/// With <c>loss: kd</c> the summed loss is <c>alpha · KD + (1 − alpha) · CE</c> over the same label positions
/// (<see cref="DistillationLoss"/>), and validation measures that same objective.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> in place (built with <see cref="FineTuneModel"/> for <c>options.Method</c>) and leaves
    /// the best weights in it. With <paramref name="checkpointFolder"/>, a matching checkpoint there is resumed and a new one
    /// is written every <see cref="TrainingOptions.SaveSteps"/> and on cancellation (then <see cref="OperationCanceledException"/>).
    /// <paramref name="teacher"/> is required when <c>options.Distillation</c> is set (and ignored otherwise).
    /// </summary>
    public static FineTuneResult Train(LlamaForCausalLM model, IReadOnlyList<TrainingExample> train,
                                       IReadOnlyList<TrainingExample> validation,
                                       TrainingOptions options, string? checkpointFolder = null, IProgressSink? progress = null,
                                       CancellationToken cancellation = default, ITeacher? teacher = null)
    {
        options.Validate();
        if (train.Count == 0) throw new InvalidInputException("no training examples left after the validation split.");
        progress ??= NullProgress.Instance;
        var trainable = FineTuneModel.SelectTrainable(model, options.Method, options.TrainableLayers);
        var device = model.Model.Embedding.Weight.device;
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = stepsPerEpoch * options.Epochs;
        int lastStep = Math.Min(totalSteps, options.MaxSteps ?? totalSteps);

        using var cache = options.Method == FineTuneMethod.Partial && options.HiddenStateCache
            ? new HiddenStateCache(model, model.Config.NumHiddenLayers - options.TrainableLayers, options.CacheSpillFolder) : null;
        Tensor Logits(IReadOnlyList<TrainingExample> examples, Tensor ids) => cache?.Logits(examples) ?? model.forward(ids);
        if (options.Distillation is not null && teacher is null)
            throw new ArgumentException("loss kd needs a teacher (an ITeacher).", nameof(teacher));
        double alpha = options.Distillation?.Alpha ?? 0;
        Tensor SumLoss(IReadOnlyList<TrainingExample> examples, Tensor ids, Tensor targets)
        {
            var logits = Logits(examples, ids);
            if (options.Distillation is null) return Batch.SumLoss(logits, targets);
            var kd = teacher!.SumKd(examples, logits);
            return alpha >= 1 ? kd : kd * alpha + Batch.SumLoss(logits, targets) * (1 - alpha);
        }

        using var optimizer = optim.AdamW(trainable.Select(p => p.Parameter), options.LearningRate, 0.9, 0.999, 1e-8, 0.0);
        var checkpoint = checkpointFolder is null ? null : new TrainerCheckpoint(checkpointFolder);
        string fingerprint = Fingerprint(options, trainable, train, validation);
        var state = checkpoint?.TryLoad(fingerprint) ?? new TrainerState(fingerprint, 0, [], 0, null);
        var best = state.Step > 0 ? checkpoint!.Restore(trainable, optimizer) : null;
        int resumedFrom = state.Step;

        var clock = new Stopwatch();
        long tokens = 0;
        using var task = progress.Start($"finetune ({options.Method.ToString().ToLowerInvariant()})", lastStep - state.Step, "steps");
        for (int step = state.Step; step < lastStep; step++)
        {
            if (cancellation.IsCancellationRequested)
            {
                checkpoint?.Save(state with { Step = step }, trainable, optimizer, best);
                cancellation.ThrowIfCancellationRequested();
            }
            clock.Start();
            model.train();
            manual_seed(options.Seed * 1_000_003 + step);
            double lr = LearningRateSchedule.At(step, options.WarmupSteps, totalSteps, options.LearningRate);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            var batch = BatchAt(train, step, stepsPerEpoch, options);
            double labelTokens = batch.Sum(e => e.LabelCount), loss = 0;
            foreach (var micro in batch.Chunk(options.MicroBatchSize))
            {
                using var scope = NewDisposeScope();
                var (ids, targets) = Batch.Collate(micro, device);
                var microLoss = SumLoss(micro, ids, targets) / labelTokens;
                microLoss.backward();
                loss += microLoss.item<float>();
                tokens += micro.Sum(e => e.Ids.Length);
            }
            NonFinite.Check(loss, $"the training loss at step {step + 1}",
                            "Lower the learning rate (lr), or check the model for NaN or Inf weights.");
            GradientClipping.ClipNorm([.. trainable.Select(p => p.Parameter)], options.MaxGradNorm);
            optimizer.step();
            optimizer.zero_grad();
            clock.Stop();

            double? validationLoss = null;
            bool last = step + 1 == lastStep;
            if (validation.Count > 0 && ((step + 1) % options.EvalSteps == 0 || last))
            {
                validationLoss = Evaluate(validation, options.MicroBatchSize, device, model, SumLoss);
                if (state.BestValidationLoss is not double bestLoss || validationLoss < bestLoss)
                {
                    DisposeAll(best);
                    best = Snapshot(trainable);
                    state = state with { BestStep = step + 1, BestValidationLoss = validationLoss };
                }
            }
            else if (validation.Count == 0) state = state with { BestStep = step + 1 };
            state.LossCurve.Add(new LossPoint(step + 1, lr, loss, validationLoss));
            state = state with { Step = step + 1 };
            if (checkpoint is not null && ((step + 1) % options.SaveSteps == 0 || last)) checkpoint.Save(state, trainable, optimizer, best);
            double rate = tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            task.Advance(1, $"loss {loss:F4}" + (validationLoss is double v ? $", val {v:F4}" : "") + $", {rate:F0} tok/s, lr {lr:E2}");
        }
        if (best is not null) Load(trainable, best);
        DisposeAll(best);
        return new FineTuneResult(trainable.Sum(p => p.Parameter.numel()), state.Step, totalSteps, state.LossCurve, state.BestStep,
            state.BestValidationLoss, tokens / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), clock.Elapsed.TotalSeconds, resumedFrom,
            cache?.PrefixPasses ?? 0, teacher?.TeacherPasses ?? 0);
    }

    /// <summary>Mean validation loss per label token, in eval mode (no dropout).</summary>
    private static double Evaluate(IReadOnlyList<TrainingExample> validation, int microBatch, Device device, LlamaForCausalLM model,
                                   Func<IReadOnlyList<TrainingExample>, Tensor, Tensor, Tensor> sumLoss)
    {
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        foreach (var micro in validation.Chunk(microBatch))
        {
            using var scope = NewDisposeScope();
            var (ids, targets) = Batch.Collate(micro, device);
            sum += sumLoss(micro, ids, targets).item<float>();
        }
        return sum / validation.Sum(e => e.LabelCount);
    }

    /// <summary>The examples of optimizer step <paramref name="step"/>: epoch e's order is a permutation seeded by (seed, e).</summary>
    private static TrainingExample[] BatchAt(IReadOnlyList<TrainingExample> train, int step, int stepsPerEpoch, TrainingOptions options)
    {
        var order = DataSplit.Permutation(train.Count, options.Seed + step / stepsPerEpoch);
        return [.. order.Skip(step % stepsPerEpoch * options.BatchSize).Take(options.BatchSize).Select(i => train[i])];
    }

    private static Dictionary<string, Tensor> Snapshot(IEnumerable<(string Name, Parameter Parameter)> trainable) =>
        trainable.ToDictionary(p => p.Name, p => p.Parameter.detach().cpu().clone());

    private static void Load(IEnumerable<(string Name, Parameter Parameter)> trainable, Dictionary<string, Tensor> values)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in trainable) parameter.copy_(values[name]);
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }

    // Everything that changes the numbers: options (not intervals of saving or the step limit), trained names, data.
    private static string Fingerprint(TrainingOptions options, IEnumerable<(string Name, Parameter Parameter)> trainable,
                                      IReadOnlyList<TrainingExample> train, IReadOnlyList<TrainingExample> validation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(options with { SaveSteps = 0, MaxSteps = null, CacheSpillFolder = null })));
        foreach (var (name, _) in trainable) hash.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
        foreach (var e in train.Concat([null!]).Concat(validation))
        {
            if (e is null) { hash.AppendData([0xFF]); continue; }
            hash.AppendData(BitConverter.GetBytes(e.PromptLength));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(e.Ids.AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
