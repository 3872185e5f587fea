using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Repair;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Repair;

/// <summary>
/// stories260K with 2 of its 5 layers removed, repaired on the first 600 kB of the TinyStories text and measured on its last
/// 150 kB (disjoint): no training anywhere.
/// </summary>
public sealed class CutRepairTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>, IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Calibration => Slice("calibration.txt", 0, 600_000);
    private string HeldOut => Slice("heldout.txt", -150_000, 150_000);

    // Bytes [from, from + count) of the TinyStories file (from < 0: from the end), cut back to whole UTF-8 lines.
    private string Slice(string name, int from, int count)
    {
        string path = temp[name];
        if (File.Exists(path)) return path;
        byte[] all = File.ReadAllBytes(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"));
        int start = from < 0 ? all.Length + from : from;
        string text = System.Text.Encoding.UTF8.GetString(all, start, count);
        File.WriteAllText(path, text[(text.IndexOf('\n') + 1)..text.LastIndexOf('\n')]);
        return path;
    }

    private string Pruned(string name, int[] removed)
    {
        CheckpointPruner.Prune(stories.Folder, temp[name], removed, "explicit");
        return temp[name];
    }

    private RepairReport Repair(string pruned, string output, RepairMethod method) =>
        CutRepairer.Repair(new RepairRequest(pruned, stories.Folder, PruningReport.Load(pruned).KeptLayers, output, method, Calibration),
            CPU, ScalarType.Float32);

    // exp(mean NLL) over the first 60 windows of 128 tokens of the held-out text.
    private double Perplexity(string folder)
    {
        using var model = HfModelFolder.Load(folder, CPU, ScalarType.Float32);
        var ids = TokenizerLoader.FromFolder(folder).Encode(File.ReadAllText(HeldOut));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = tensor(ids.Take(60 * 128).Select(i => (long)i).ToArray()).view(60, 128);
        var (sum, count) = CausalLoss.Nll(model.forward(batch), batch);
        return Math.Exp(sum.item<float>() / count);
    }

    // Measured: reverse-order (3,4) 92.9 -> 46.1, layers 1-2 159.9 -> 64.4 (291 windows of 256); margins, not pins.
    [Theory]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 1, 2 })]
    public void Linear_LowersHeldOutPerplexity_WithoutTraining(int[] removed)
    {
        string pruned = Pruned("pruned", removed);
        var report = Repair(pruned, temp["repaired"], RepairMethod.Linear);
        double before = Perplexity(pruned), after = Perplexity(temp["repaired"]);
        Assert.True(after < 0.75 * before, $"held-out perplexity {before:F2} -> {after:F2}");
        var cut = Assert.Single(report.Cuts);
        Assert.Equal(removed, cut.RemovedLayers);
        Assert.True(cut.ErrorAfter < cut.ErrorBefore, $"stream error {cut.ErrorBefore} -> {cut.ErrorAfter}");
    }

    // Measured: layers 1-2 159.9 -> 120.9. At the end of the model a scale is removed by the final norm: nothing to gain.
    [Fact]
    public void Rescale_LowersHeldOutPerplexity_OfAMiddleCut_AndSaysAnEndCutIsUnchanged()
    {
        string middle = Pruned("middle", [1, 2]);
        var report = Repair(middle, temp["middle-rescaled"], RepairMethod.Rescale);
        double before = Perplexity(middle), after = Perplexity(temp["middle-rescaled"]);
        Assert.True(after < 0.9 * before, $"held-out perplexity {before:F2} -> {after:F2}");
        Assert.True(Assert.Single(report.Cuts).Scale > 1);

        string end = Pruned("end", [3, 4]);
        var endReport = Repair(end, temp["end-rescaled"], RepairMethod.Rescale);
        Assert.NotNull(Assert.Single(endReport.Cuts).Note);
        Assert.Equal(Perplexity(end), Perplexity(temp["end-rescaled"]), 6);
    }

    [Theory]
    [InlineData(RepairMethod.Linear)]
    [InlineData(RepairMethod.Rescale)]
    public void Repaired_ReloadsWithThePrunedModelsKeysShapesAndConfig(RepairMethod method)
    {
        string pruned = Pruned("pruned", [1, 3]);
        Repair(pruned, temp["repaired"], method);
        using var before = CheckpointReader.Open(pruned);
        using var after = CheckpointReader.Open(temp["repaired"]);
        Assert.Equal(Shapes(before), Shapes(after));
        Assert.Equal(File.ReadAllBytes(Path.Combine(pruned, "config.json")),
            File.ReadAllBytes(Path.Combine(temp["repaired"], "config.json")));
        using var model = HfModelFolder.Load(temp["repaired"], CPU, ScalarType.Float32);
        Assert.Equal(3, model.Config.NumHiddenLayers);
        Assert.Equal([1, 3], PruningReport.Load(temp["repaired"]).RemovedLayers);
        Assert.Equal(method.Name(), RepairReport.Load(temp["repaired"]).Method);
        // linear edits the down_proj before each cut (kept layers 0 and 1); rescale the o_proj and down_proj after each cut.
        string[] expected = method == RepairMethod.Linear
            ? ["model.layers.0.mlp.down_proj.weight", "model.layers.1.mlp.down_proj.weight"]
            : ["model.layers.1.mlp.down_proj.weight", "model.layers.1.self_attn.o_proj.weight",
               "model.layers.2.mlp.down_proj.weight", "model.layers.2.self_attn.o_proj.weight"];
        Assert.Equal(expected, Changed(before, after));
    }

    private static List<(string, string)> Shapes(CheckpointReader reader) =>
        [.. reader.Names.Order(StringComparer.Ordinal).Select(n => (n, string.Join("x", reader.Locate(n).Entry.Shape)))];

    private static List<string> Changed(CheckpointReader a, CheckpointReader b)
    {
        var changed = new List<string>();
        foreach (string name in a.Names.Order(StringComparer.Ordinal))
        {
            using var x = a.Locate(name).File.Read(a.Locate(name).Entry);
            using var y = b.Locate(name).File.Read(b.Locate(name).Entry);
            if (!x.data<float>().ToArray().SequenceEqual(y.data<float>().ToArray())) changed.Add(name);
        }
        return changed;
    }
}
