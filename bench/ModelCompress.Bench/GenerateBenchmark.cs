using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// <c>generate --model DIR|stories260K --batch 16 [--prompts 32] [--prompt-tokens 96] [--new 64] [--dtype fp32] [--threads 2]
/// [--text FILE]</c>: greedy decoding with the KV cache of the first <c>--prompts</c> TinyStories paragraphs (each cut to at
/// most <c>--prompt-tokens</c> tokens, so lengths differ and batches are left-padded), <c>--new</c> tokens each, no stop
/// strings, by <see cref="GreedyBatchDecoder"/> at <c>--batch</c> rows (1 = one sequence at a time). Prints seconds,
/// generated tokens per second, peak RSS and a sha256 of all generated ids (equal across batch sizes when batching is exact).
/// </summary>
internal static class GenerateBenchmark
{
    public const string DefaultText = "/work/shared/data/text/tinystories/tinystories_valid_head.txt";

    public static JsonObject Run(Args a)
    {
        string model = a.Required("--model");
        int batch = a.Int("--batch", 16), count = a.Int("--prompts", 32), promptTokens = a.Int("--prompt-tokens", 96);
        int newTokens = a.Int("--new", 64), threads = a.Int("--threads", 2);
        string dtype = a.Str("--dtype", "fp32"), text = a.Str("--text", DefaultText);
        a.Done();
        set_num_threads(threads);
        string folder = model == "stories260K" ? Stories260K() : model;
        var tokenizer = TokenizerLoader.FromFolder(folder);
        using var llm = HfModelFolder.Load(folder, CPU, dtype == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32);
        llm.eval();
        var prompts = File.ReadAllText(text).Split("\n\n", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Take(count).Select(p => (IReadOnlyList<int>)[.. tokenizer.Encode(p, addBos: true).Take(promptTokens)]).ToList();
        var decoder = new GreedyBatchDecoder(llm, tokenizer, batch);
        decoder.Decode(prompts.Take(Math.Min(batch, 2)).ToList(), [], 4); // warm-up: first-call costs stay out of the timing
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var generated = decoder.Decode(prompts, [], newTokens);
        watch.Stop();
        self.Refresh();
        long tokens = generated.Sum(g => (long)g.Count);
        string ids = string.Join("\n", generated.Select(g => string.Join(",", g)));
        return new JsonObject
        {
            ["benchmark"] = "generate",
            ["model"] = model,
            ["params"] = BenchModel.ParameterCount(llm),
            ["dtype"] = dtype,
            ["batch"] = batch,
            ["prompts"] = prompts.Count,
            ["prompt_tokens"] = prompts.Sum(p => p.Count),
            ["new_tokens"] = newTokens,
            ["threads"] = threads,
            ["generated_tokens"] = tokens,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
            ["tokens_per_s"] = Math.Round(tokens / watch.Elapsed.TotalSeconds, 1),
            ["cpu_seconds"] = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
            ["ids_sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ids)))[..16],
        };
    }

    // The shared llama2.c checkpoint, converted once into a temp folder.
    private static string Stories260K()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mc-bench-stories260K");
        if (!File.Exists(Path.Combine(folder, "config.json")))
        {
            const string shared = "/work/shared/data/models/stories260K";
            Llama2cConverter.Convert(Path.Combine(shared, "stories260K.bin"), Path.Combine(shared, "tok512.model"), folder);
        }
        return folder;
    }
}
