using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Partial-layer training's forward split at the first trained layer: the frozen prefix (embedding and layers 0..n-k-1)
/// gives the same output every epoch, so it runs once per example (batch 1, no gradient) and its output (T, hidden) is kept
/// in memory or spilled to a file; later passes run only the trainable tail (last k layers, final norm, lm_head).
/// </summary>
public sealed class HiddenStateCache : IDisposable
{
    private readonly LlamaForCausalLM model;
    private readonly int firstTrained;
    private readonly RotaryEmbedding rotary;
    private readonly Dictionary<TrainingExample, Tensor> inMemory = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TrainingExample, (long Offset, long Length)> onDisk = new(ReferenceEqualityComparer.Instance);
    private readonly FileStream? spill;

    /// <summary>Caches the input of layer <paramref name="firstTrained"/>; spills to a file in <paramref name="spillFolder"/> when given.</summary>
    public HiddenStateCache(LlamaForCausalLM model, int firstTrained, string? spillFolder = null)
    {
        (this.model, this.firstTrained) = (model, firstTrained);
        rotary = new RotaryEmbedding(model.Config);
        if (spillFolder is not null)
        {
            Directory.CreateDirectory(spillFolder);
            spill = new FileStream(Path.Combine(spillFolder, "hidden-states.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                                   1 << 16, FileOptions.DeleteOnClose);
        }
    }

    /// <summary>Number of prefix passes run so far (each example once).</summary>
    public int PrefixPasses { get; private set; }

    /// <summary>Bytes of hidden states held (in memory or in the spill file).</summary>
    public long Bytes { get; private set; }

    /// <summary>Logits (B, T, V) of right-padded <paramref name="examples"/> from their cached prefix outputs.</summary>
    public Tensor Logits(IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        long t = examples.Max(e => e.Ids.Length);
        var padded = examples.Select(e => nn.functional.pad(Get(e), [0, 0, 0, t - e.Ids.Length])).ToArray(); // each (T, hidden)
        var h = stack(padded);                                                                              // (B, T, hidden)
        var (cos, sin) = rotary.Table(0, t, h.device, h.dtype);
        var mask = new AttentionMask(null, IsCausal: t > 1);
        var layers = model.Model.Layers;
        for (int i = firstTrained; i < layers.Count; i++) h = layers[i].forward(h, cos, sin, mask, null, i);
        return model.Project(model.Model.Norm.call(h)).MoveToOuterDisposeScope();
    }

    private Tensor Get(TrainingExample example)
    {
        if (inMemory.TryGetValue(example, out var kept)) return kept;
        if (onDisk.TryGetValue(example, out var place)) return Read(place, example.Ids.Length);
        var hidden = Prefix(example);
        Bytes += hidden.numel() * hidden.element_size();
        if (spill is null)
        {
            inMemory[example] = hidden.DetachFromDisposeScope();
            return hidden;
        }
        spill.Seek(0, SeekOrigin.End);
        onDisk[example] = (spill.Position, hidden.numel() * hidden.element_size());
        spill.Write(hidden.cpu().contiguous().bytes);
        return hidden;
    }

    private Tensor Prefix(TrainingExample example)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        PrefixPasses++;
        var device = model.Model.Embedding.Weight.device;
        var ids = tensor(example.Ids.Select(i => (long)i).ToArray(), [1, example.Ids.Length], device: device);
        var h = model.Model.Embedding.call(ids);                                       // (1, T, hidden)
        var (cos, sin) = rotary.Table(0, example.Ids.Length, h.device, h.dtype);
        var mask = new AttentionMask(null, IsCausal: example.Ids.Length > 1);
        var layers = model.Model.Layers;
        for (int i = 0; i < firstTrained; i++) h = layers[i].forward(h, cos, sin, mask, null, i);
        return h.squeeze(0).MoveToOuterDisposeScope();                                 // (T, hidden)
    }

    private Tensor Read((long Offset, long Length) place, int length)
    {
        var weight = model.Model.Embedding.Weight;
        var hidden = empty([length, weight.shape[1]], weight.dtype);
        spill!.Seek(place.Offset, SeekOrigin.Begin);
        spill.ReadExactly(hidden.bytes);
        return hidden.to(weight.device);
    }

    public void Dispose()
    {
        foreach (var t in inMemory.Values) t.Dispose();
        inMemory.Clear();
        spill?.Dispose();
    }
}
