using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Evaluation.Generative;
using ModelCompress.Core.Planning;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

/// <summary>The batched, cached, left-padded greedy decoder against one-sequence uncached greedy decoding on stories260K.</summary>
public sealed class GreedyBatchDecoderTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    [Fact]
    public void BatchedCachedDecode_EqualsUncachedOneAtATime_WithStopsAndPadding()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        // Prompts of very different lengths (BOS alone to whole sentences), so every batch is padded and rows stop apart.
        var text = File.ReadAllText(SharedData.Path("text", "tinystories", "tinystories_valid_head.txt"));
        var sentences = text.Split('.', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(11);
        var prompts = sentences.Select(s => (IReadOnlyList<int>)[.. tokenizer.Encode(s + ".", addBos: true)]).ToList();
        prompts.Insert(3, [tokenizer.BosId!.Value]);
        string[] until = ["!", "\n"];

        var batched = new GreedyBatchDecoder(model, tokenizer, batchSize: 5).Decode(prompts, until, maxNewTokens: 40);

        var lengths = new HashSet<int>();
        for (int i = 0; i < prompts.Count; i++)
        {
            var reference = UncachedGreedy.Decode(model, tokenizer, prompts[i], until, 40);
            Assert.Equal(reference, batched[i]);
            lengths.Add(batched[i].Count);
        }
        Assert.True(lengths.Count >= 3, $"rows should stop at different steps, got lengths {string.Join(", ", lengths)}");
        // llama2c's documented greedy story from BOS, decoded here inside a padded batch.
        Assert.StartsWith("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.",
            tokenizer.Decode(batched[3]));
    }

    [Fact]
    public void BatchedCachedDecode_OverThreeCpuSlots_EqualsOneDevice()
    {
        // Rows leave the batch (KvCache.KeepRows) while each layer's cache sits on its own slot.
        using var one = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        using var placed = HfModelFolder.Load(stories.Folder, DevicePlacement.Rule([CPU, CPU, CPU], ScalarType.Float32),
                                              ScalarType.Float32);
        Assert.Equal(3, placed.Placement.Count);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var prompts = new[] { "Once upon a time", "Tom had a red ball. He", "The cat" }
            .Select(s => (IReadOnlyList<int>)[.. tokenizer.Encode(s, addBos: true)]).ToList();
        string[] until = ["."];
        var expected = new GreedyBatchDecoder(one, tokenizer, batchSize: 3).Decode(prompts, until, maxNewTokens: 24);
        var actual = new GreedyBatchDecoder(placed, tokenizer, batchSize: 3).Decode(prompts, until, maxNewTokens: 24);
        Assert.Equal(expected, actual);
        Assert.True(expected.Select(e => e.Count).Distinct().Count() > 1, "rows should stop at different steps");
    }

    [Fact]
    public void Gsm8k_PerItemTexts_EqualUncachedGreedyDecode()
    {
        using var model = HfModelFolder.Load(stories.Folder, CPU, ScalarType.Float32);
        var tokenizer = TokenizerLoader.FromFolder(stories.Folder);
        var task = Gsm8k.Definition with { MaxGenToks = 96 };
        var items = task.Load(new TaskLoadOptions(SharedData.Path("eval"), NumFewshot: 1)).Take(6).ToList();

        var result = new GenerativeEvaluator(model, tokenizer, addBos: false, batchSize: 4).Evaluate(task, items, NullProgress.Instance, 1);

        int window = model.Config.MaxPositionEmbeddings - task.MaxGenToks;
        foreach (var (item, generated) in items.Zip(result.Items))
        {
            var ids = tokenizer.Encode(item.Context);
            var prompt = ids.Skip(Math.Max(0, ids.Count - window)).ToList();
            var reference = UncachedGreedy.Decode(model, tokenizer, prompt, task.Until, task.MaxGenToks);
            Assert.Equal(GenerativeEvaluator.Cut(tokenizer.Decode(reference), task.Until), generated.Response);
            Assert.Equal(task.Filters.Select(f => f.Apply(generated.Response)), generated.Filtered);
        }
        Assert.Contains(result.Items, i => i.Response.Length > 0);
    }
}
