using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Demo;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Cli.Tests.Robustness;

/// <summary>
/// Cuts small real input files at every length (and flips every byte of a safetensors header) and runs the verb that
/// reads them: the tool must answer 0 or 2 every time — never an unexpected error, never a hang, never a large allocation.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TruncationFuzzTests : IDisposable
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(30);
    private const long ManagedBytesPerCase = 256L << 20;
    private readonly TempFolder temp = new("mc-fuzz-");
    private readonly BadInputs inputs;

    public TruncationFuzzTests() => inputs = new BadInputs(temp);

    [Fact]
    public void ConfigJson_CutAtEveryLength_ExitsZeroOrTwo()
    {
        string folder = inputs.Folder("config-cut", _ => { });
        string target = Path.Combine(folder, "config.json");
        byte[] good = File.ReadAllBytes(target);
        string output = Path.Combine(temp, "pruned");
        int cases = Fuzz(target, Cuts(good), () => Run("prune", "--model", folder, "--out", output, "--layers", "1"),
            after: () => { if (Directory.Exists(output)) Directory.Delete(output, recursive: true); });
        Assert.Equal(good.Length, cases);
    }

    [Fact]
    public void TokenizerJson_CutAtEveryLength_ExitsZeroOrTwo()
    {
        string folder = inputs.Folder("tokenizer-cut", f =>
        {
            File.Delete(Path.Combine(f, "tokenizer.model"));
            WordTokenizerJson.Write(f, ["Once", "upon", "a", "time", "there", "was"]);
        });
        string target = Path.Combine(folder, "tokenizer.json");
        byte[] good = File.ReadAllBytes(target);
        int cases = Fuzz(target, Cuts(good), () => Run("generate", "--model", folder, "--prompt", "Once upon", "--max-new-tokens", "1", "--device", "cpu"));
        Assert.Equal(good.Length, cases);
    }

    [Fact]
    public void Safetensors_CutAtEveryLength_AndEveryHeaderByteFlipped_ExitsZeroOrTwo()
    {
        string folder = Path.Combine(temp, "tiny");
        var config = LlamaConfig.Parse(new JsonObject
        {
            ["model_type"] = "llama", ["hidden_size"] = 8, ["intermediate_size"] = 16, ["num_hidden_layers"] = 2,
            ["num_attention_heads"] = 2, ["num_key_value_heads"] = 1, ["vocab_size"] = 16, ["tie_word_embeddings"] = false,
        }.ToJsonString(), "tiny config");
        using (var model = ModelFactory.Create(config, CPU, ScalarType.Float32))
        {
            ModelInitializer.Randomize(model, seed: 1);
            HfModelFolder.Save(model, folder);
        }
        string target = Path.Combine(folder, "model.safetensors");
        byte[] good = File.ReadAllBytes(target);
        int headerEnd = 8 + (int)BitConverter.ToInt64(good, 0);
        var flips = Enumerable.Range(0, headerEnd).Select(i =>
        {
            var flipped = (byte[])good.Clone();
            flipped[i] ^= (byte)(i < 8 ? 0x40 : 0x0F);
            return flipped;
        });
        int cases = Fuzz(target, Cuts(good).Concat(flips), () => Run("score", "--model", folder, "--metric", "magnitude-l1", "--device", "cpu"));
        Assert.Equal(good.Length + headerEnd, cases);
    }

    [Fact]
    public void PruningYaml_CutAtEveryLength_ExitsZeroOrTwo()
    {
        string target = Path.Combine(temp, "pruning.yaml");
        byte[] good = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "pruning.yaml"));
        int cases = Fuzz(target, Cuts(good), () => Run("validate", target));
        Assert.Equal(good.Length, cases);
    }

    /// <summary>The file cut to every length from 0 to one byte short of whole.</summary>
    private static IEnumerable<byte[]> Cuts(byte[] good) => Enumerable.Range(0, good.Length).Select(n => good[..n]);

    /// <summary>Writes each variant to <paramref name="target"/>, runs <paramref name="verb"/>, and collects every answer that is not 0 or 2.</summary>
    private static int Fuzz(string target, IEnumerable<byte[]> variants, Func<(int Code, string Err)> verb, Action? after = null)
    {
        var failures = new List<string>();
        int cases = 0;
        foreach (byte[] variant in variants)
        {
            cases++;
            File.WriteAllBytes(target, variant);
            long allocated = GC.GetTotalAllocatedBytes();
            var run = Task.Run(verb);
            var clock = Stopwatch.StartNew();
            if (!run.Wait(CaseLimit)) { failures.Add($"case {cases} ({variant.Length} bytes): no answer after {CaseLimit.TotalSeconds} s"); break; }
            long used = GC.GetTotalAllocatedBytes() - allocated;
            var (code, error) = run.Result;
            if (code is not (0 or 2) || error.Contains("unexpected error"))
                failures.Add($"case {cases} ({variant.Length} bytes): exit {code}: {error.Split('\n')[0]}");
            else if (used > ManagedBytesPerCase) failures.Add($"case {cases} ({variant.Length} bytes): allocated {used >> 20} MB");
            after?.Invoke();
            if (failures.Count >= 10) break;
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        return cases;
    }

    private static (int Code, string Err) Run(params string[] args)
    {
        var (code, _, error) = CliTestData.RunInProcess(args);
        return (code, error);
    }

    public void Dispose() => temp.Dispose();
}
