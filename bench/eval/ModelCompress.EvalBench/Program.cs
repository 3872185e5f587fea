using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

// Evaluation throughput: the shared-context (packed) scorer against the naive scorer that runs every choice with its own
// copy of the context, interleaved per task and round. Prints one JSON line per (task, scorer, round) and a summary table.
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
var summary = new List<(string Task, int Items, double SharedSeconds, double NaiveSeconds, long SharedTokens, long NaiveTokens)>();
foreach (var task in TaskRegistry.BuiltIn)
{
    // mmlu's limit is per subject; take the first `limit` items overall so every task has the same count.
    var items = task.Load(new TaskLoadOptions(data, task.Name == "mmlu" ? 1 : limit)).Take(limit).ToList();
    var requests = encoder.Encode(items);
    var times = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
    var tokens = new Dictionary<bool, long>();
    for (int round = 0; round < rounds; round++)
        foreach (bool shared in new[] { true, false })
        {
            var scorer = new ModelScorer(model, batch, shared);
            var clock = Stopwatch.StartNew();
            scorer.Score(requests, NullProgress.Instance);
            double seconds = clock.Elapsed.TotalSeconds;
            times[shared].Add(seconds);
            tokens[shared] = scorer.TokensProcessed;
            Console.WriteLine(new JsonObject
            {
                ["model"] = which, ["task"] = task.Name, ["scorer"] = shared ? "shared" : "naive", ["round"] = round, ["items"] = items.Count,
                ["seconds"] = seconds, ["items_per_s"] = items.Count / seconds, ["tokens_fed"] = scorer.TokensProcessed,
                ["tokens_per_s"] = scorer.TokensProcessed / seconds,
            }.ToJsonString());
        }
    summary.Add((task.Name, items.Count, Median(times[true]), Median(times[false]), tokens[true], tokens[false]));
}
Console.WriteLine($"\n{which}, batch {batch}, {get_num_threads()} threads, fp32, median of {rounds} interleaved rounds");
Console.WriteLine("| task | items | shared items/s | shared tokens/s | naive items/s | naive tokens/s | tokens fed shared/naive | speed-up |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
foreach (var s in summary)
    Console.WriteLine($"| {s.Task} | {s.Items} | {s.Items / s.SharedSeconds:F1} | {s.SharedTokens / s.SharedSeconds:F0} | {s.Items / s.NaiveSeconds:F1} | " +
                      $"{s.NaiveTokens / s.NaiveSeconds:F0} | {s.SharedTokens}/{s.NaiveTokens} | {s.NaiveSeconds / s.SharedSeconds:F2}× |");
return 0;

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
