using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// <c>make-model --out DIR [--dtype fp32] [--seed 42] [--tokenizer-from DIR]</c>: saves the random ~100M benchmark Llama
/// (<see cref="BenchModel"/>) as a Hugging Face folder with a tokenizer, for the score and finetune benchmarks.
/// </summary>
internal static class MakeModelCommand
{
    public const string DefaultTokenizerFolder = "/work/shared/data/models/llama2_tokenizer";

    public static JsonObject Run(Args a)
    {
        string output = a.Required("--out");
        var o = new BenchOptions { DType = a.Str("--dtype", "fp32"), Seed = a.Long("--seed", 42), Layers = a.Int("--layers", 12) };
        string tokenizer = a.Str("--tokenizer-from", DefaultTokenizerFolder);
        a.Done();
        if (!File.Exists(Path.Combine(tokenizer, "tokenizer.model")))
            throw new ArgumentException($"{tokenizer} has no tokenizer.model (the score and finetune benchmarks need one)");
        var watch = Stopwatch.StartNew();
        using var model = BenchModel.Create(o);
        HfModelFolder.Save(model, output, sideFilesFrom: tokenizer);
        return new JsonObject
        {
            ["command"] = "make-model",
            ["out"] = Path.GetFullPath(output),
            ["dtype"] = o.DType,
            ["params"] = BenchModel.ParameterCount(model),
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2),
        };
    }
}
