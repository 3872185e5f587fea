using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// <c>finetune --model DIR --method partial|lora [--dtype fp32|bf16] [--k 3] [--lora-r 8] [--cache on|off]
/// [--batch 4] [--seq 256] [--warmup 2] [--steps 6] [--examples N] [--data FILE] [--threads 2]</c>:
/// runs the real <see cref="Trainer.Train"/> loop (AdamW, grad-norm clipping, dropout, LoRA defaults alpha 16 / dropout 0.05)
/// with one micro-batch per optimizer step (batch = micro-batch = <c>--batch</c>), no validation and no checkpoints, and
/// times each step from the trainer's progress reports. Tokens/s = non-padding tokens of the timed steps / their seconds.
/// <para><c>--examples</c> (default batch × (warmup + steps), i.e. one epoch, every example new) sets how many distinct
/// 256-token windows of the text are used; fewer makes the trainer loop over more epochs — with partial's hidden-state cache
/// on, steps after the first epoch reuse the cached frozen-prefix output.</para>
/// </summary>
internal static class FineTuneBenchmark
{
    public static JsonObject Run(Args a)
    {
        string folder = a.Required("--model");
        var method = a.Required("--method") switch
        {
            "partial" => FineTuneMethod.Partial,
            "lora" => FineTuneMethod.Lora,
            var m => throw new ArgumentException($"--method must be partial or lora, not '{m}'"),
        };
        string dtypeName = a.Str("--dtype", "fp32");
        if (dtypeName is not ("fp32" or "bf16")) throw new ArgumentException("--dtype must be fp32 or bf16");
        int k = a.Int("--k", 3), rank = a.Int("--lora-r", 8), batch = a.Int("--batch", 4), seq = a.Int("--seq", 256);
        int warmup = a.Int("--warmup", 2), steps = a.Int("--steps", 6), threads = a.Int("--threads", 2);
        int examplesWanted = a.Int("--examples", batch * (warmup + steps));
        bool cache = a.Str("--cache", "on") switch { "on" => true, "off" => false, var c => throw new ArgumentException($"--cache on|off, not '{c}'") };
        string data = a.Str("--data", ScoreBenchmark.DefaultCalibration);
        long seed = a.Long("--seed", 42);
        a.Done();

        set_num_threads(threads);
        var dtype = BenchModel.DType(dtypeName);
        var tokenizer = TokenizerLoader.FromFolder(folder);
        // Tokenize only as much text as needed (~4 characters per token, with a wide margin), full-length windows only.
        string text = File.ReadAllText(data);
        text = text[..Math.Min(text.Length, examplesWanted * seq * 8)];
        var examples = TrainingExamples.FromText(text, tokenizer, seq).Where(e => e.Ids.Length == seq).Take(examplesWanted).ToList();
        if (examples.Count < examplesWanted) throw new ArgumentException($"{data}: only {examples.Count} full {seq}-token windows");

        int totalSteps = warmup + steps;
        int stepsPerEpoch = (examples.Count + batch - 1) / batch;
        var options = new TrainingOptions
        {
            Method = method,
            TrainableLayers = k,
            Lora = new LoraSettings(Rank: rank),
            BatchSize = batch,
            MicroBatchSize = batch,
            MaxLength = seq,
            ValidationSize = 0,
            Epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch,
            MaxSteps = totalSteps,
            EvalSteps = int.MaxValue,
            SaveSteps = int.MaxValue,
            HiddenStateCache = cache,
            Seed = seed,
        };

        double rssBefore = ProcessStats.CurrentRssMb();
        var loadWatch = Stopwatch.StartNew();
        using var model = FineTuneModel.Load(folder, method, options.Lora, CPU, dtype, seed);
        loadWatch.Stop();
        double rssLoaded = ProcessStats.CurrentRssMb();
        var timer = new StepTimer();
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var result = Trainer.Train(model, examples, [], options, checkpointFolder: null, progress: timer);
        self.Refresh();
        var seconds = timer.StepSeconds;
        if (seconds.Count != totalSteps) throw new InvalidOperationException($"expected {totalSteps} step reports, got {seconds.Count}");
        double timed = seconds.Skip(warmup).Sum();
        long tokensPerStep = (long)batch * seq;   // every window is full length: no padding
        return new JsonObject
        {
            ["benchmark"] = "finetune",
            ["method"] = method.ToString().ToLowerInvariant(),
            ["k"] = method == FineTuneMethod.Partial ? k : null,
            ["lora_r"] = method == FineTuneMethod.Lora ? rank : null,
            ["hidden_state_cache"] = method == FineTuneMethod.Partial ? cache : null,
            ["dtype"] = dtypeName,
            ["batch"] = batch,
            ["seq"] = seq,
            ["threads"] = threads,
            ["distinct_examples"] = examples.Count,
            ["epochs_touched"] = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch,
            ["warmup_steps"] = warmup,
            ["timed_steps"] = steps,
            ["trainable_params"] = result.TrainableParameters,
            ["prefix_passes"] = result.PrefixPasses,
            ["load_seconds"] = Math.Round(loadWatch.Elapsed.TotalSeconds, 2),
            ["step_seconds"] = new JsonArray(seconds.Select(s => (JsonNode)Math.Round(s, 3)).ToArray()),
            ["tokens_per_s"] = Math.Round(tokensPerStep * steps / timed, 1),
            ["warmup_tokens_per_s"] = Math.Round(tokensPerStep * warmup / Math.Max(seconds.Take(warmup).Sum(), 1e-9), 1),
            ["trainer_tokens_per_s"] = Math.Round(result.TokensPerSecond, 1),
            ["cpu_seconds"] = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2),
            ["train_loss"] = new JsonArray(result.LossCurve.Select(p => (JsonNode)Math.Round(p.TrainLoss, 4)).ToArray()),
            ["rss_before_mb"] = Math.Round(rssBefore, 1),
            ["rss_loaded_mb"] = Math.Round(rssLoaded, 1),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
        };
    }

    /// <summary>Records the wall time between the trainer's per-step progress reports (the first from the task's start).</summary>
    private sealed class StepTimer : IProgressSink, IProgressTask
    {
        private readonly Stopwatch _watch = new();
        private TimeSpan _last;
        public List<double> StepSeconds { get; } = [];

        public IProgressTask Start(string name, long total, string unit)
        {
            _watch.Restart();
            _last = TimeSpan.Zero;
            return this;
        }

        public void Advance(long steps, string? status = null)
        {
            var now = _watch.Elapsed;
            StepSeconds.Add((now - _last).TotalSeconds);
            _last = now;
        }

        public void Message(string text) { }
        public void Dispose() { }
    }
}
