using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

// Evaluation throughput of three scorers, interleaved per task and round: "packed" (shared context + several questions
// per row, the default), "shared" (shared context, one question per right-padded row) and "naive" (every choice with its
// own copy of the context, right-padded rows: lm-evaluation-harness's way). tokens/s in the table counts the naive
// request tokens (context + continuation - 1 per choice) per second, the same work unit for every scorer. Prints one JSON line per (task, scorer, round) and a summary table.
// usage: ModelCompress.EvalBench --model stories260k|random100m [--hf DIR] [--data DIR] [--limit 32] [--batch 16] [--threads 2] [--rounds 3]
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--")).ToDictionary(x => x.a[2..], x => args[x.i + 1]);
string Get(string key, string fallback) => options.TryGetValue(key, out var v) ? v : fallback;
string data = Get("data", Path.Combine(Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") ?? "../shared/data", "eval"));
int limit = int.Parse(Get("limit", "32")), batch = int.Parse(Get("batch", "16")), rounds = int.Parse(Get("rounds", "3"));
set_num_threads(int.Parse(Get("threads", "2")));
string which = Get("model", "stories260k");

LlamaForCausalLM model;
ITokenizer tokenizer;
if (which == "random100m")
{
    // hidden 768, 12 layers, GQA 12/4, MLP 2048, vocab 32000 (Llama-2's tokenizer), untied: the repo's standard bench model.
    var config = LlamaConfig.Parse("""
        { "model_type": "llama", "vocab_size": 32000, "hidden_size": 768, "intermediate_size": 2048, "num_hidden_layers": 12,
          "num_attention_heads": 12, "num_key_value_heads": 4, "rms_norm_eps": 1e-5, "max_position_embeddings": 2048,
          "tie_word_embeddings": false }
        """, "random100m");
    model = ModelFactory.Create(config, CPU, ScalarType.Float32);
    ModelInitializer.Randomize(model, 42);
    tokenizer = SentencePieceTokenizer.Load(Path.Combine(data, "..", "models", "llama2_tokenizer", "tokenizer.model"));
}
else
{
    string folder = Get("hf", "");
    model = HfModelFolder.Load(folder, CPU, ScalarType.Float32);
    tokenizer = TokenizerLoader.FromFolder(folder);
}
model.eval();
var encoder = new RequestEncoder(tokenizer, addBos: false);
string[] Variants = ["packed", "shared", "naive"];
var cpuSummary = new List<(string Task, double Packed, double Shared, double Naive)>();
var summary = new List<(string Task, int Items, double Packed, double Shared, double Naive, long PackedTokens, long SharedTokens, long NaiveTokens)>();
foreach (var task in TaskRegistry.BuiltIn)
{
    // mmlu's limit is per subject; take the first `limit` items overall so every task has the same count.
    var items = task.Load(new TaskLoadOptions(data, task.Name == "mmlu" ? 1 : limit)).Take(limit).ToList();
    var requests = encoder.Encode(items);
    var times = Variants.ToDictionary(v => v, _ => new List<double>());
    var tokens = new Dictionary<string, long>();
    var cpu = Variants.ToDictionary(v => v, _ => new List<double>());
    for (int round = 0; round < rounds; round++)
        foreach (string variant in Variants)
        {
            var scorer = variant switch
            {
                "packed" => new ModelScorer(model, batch, shareContext: true, packRows: true),
                "shared" => new ModelScorer(model, batch, shareContext: true, packRows: false),
                _ => new ModelScorer(model, batch, shareContext: false, packRows: false),
            };
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            scorer.Score(requests, NullProgress.Instance);
            double seconds = clock.Elapsed.TotalSeconds;
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            cpu[variant].Add(cpuSeconds);
            times[variant].Add(seconds);
            tokens[variant] = scorer.TokensProcessed;
            Console.WriteLine(new JsonObject
            {
                ["model"] = which, ["task"] = task.Name, ["scorer"] = variant, ["round"] = round, ["items"] = items.Count,
                ["seconds"] = seconds, ["cpu_seconds"] = cpuSeconds, ["items_per_s"] = items.Count / seconds, ["tokens_fed"] = scorer.TokensProcessed,
                ["tokens_per_s"] = scorer.TokensProcessed / seconds,
            }.ToJsonString());
        }
    summary.Add((task.Name, items.Count, Median(times["packed"]), Median(times["shared"]), Median(times["naive"]),
                 tokens["packed"], tokens["shared"], tokens["naive"]));
    cpuSummary.Add((task.Name, Median(cpu["packed"]), Median(cpu["shared"]), Median(cpu["naive"])));
}
Console.WriteLine($"\n{which}, batch {batch}, {get_num_threads()} threads, fp32, median of {rounds} interleaved rounds");
Console.WriteLine("| task | items | packed items/s | packed tokens/s | shared items/s | naive items/s | naive tokens/s | tokens fed packed/shared/naive | speed-up packed (shared) vs naive |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var s in summary)
    Console.WriteLine($"| {s.Task} | {s.Items} | {s.Items / s.Packed:F1} | {s.NaiveTokens / s.Packed:F0} | {s.Items / s.Shared:F1} | {s.Items / s.Naive:F1} | " +
                      $"{s.NaiveTokens / s.Naive:F0} | {s.PackedTokens}/{s.SharedTokens}/{s.NaiveTokens} | {s.Naive / s.Packed:F2}× ({s.Naive / s.Shared:F2}×) |");
Console.WriteLine("\nCPU seconds (median; robust to other processes on a shared machine when --threads 1)");
Console.WriteLine("| task | packed | shared | naive | speed-up packed (shared) vs naive |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var c in cpuSummary)
    Console.WriteLine($"| {c.Task} | {c.Packed:F2} | {c.Shared:F2} | {c.Naive:F2} | {c.Naive / c.Packed:F2}× ({c.Naive / c.Shared:F2}×) |");
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
