using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Partial-layer training's forward split at the first trained layer: the frozen prefix (embedding and layers 0..n-k-1)
/// gives the same output every epoch, so it runs once per example (no gradient) and its output (T, hidden) is kept in
/// memory or spilled to a file; later passes run only the trainable tail (last k layers, final norm, lm_head).
/// The examples of a micro-batch that are not cached yet go through the prefix together, right-padded like the uncached
/// forward (with the causal mask, padding never reaches real positions), so filling costs what an uncached forward of the
/// prefix costs and needs no more memory than it: one micro-batch of activations, without autograd.
/// </summary>
public sealed class HiddenStateCache : IDisposable
{
    private readonly LlamaForCausalLM model;
    private readonly int firstTrained;
    private readonly Dictionary<TrainingExample, Tensor> inMemory = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TrainingExample, (long Offset, long Length)> onDisk = new(ReferenceEqualityComparer.Instance);
    private readonly FileStream? spill;

    /// <summary>
    /// Caches the input of layer <paramref name="firstTrained"/>; spills to a file in <paramref name="spillFolder"/> when given.
    /// </summary>
    public HiddenStateCache(LlamaForCausalLM model, int firstTrained, string? spillFolder = null)
    {
        (this.model, this.firstTrained) = (model, firstTrained);
        if (spillFolder is not null)
        {
            Directory.CreateDirectory(spillFolder);
            spill = new FileStream(Path.Combine(spillFolder, "hidden-states.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
                                   1 << 16, FileOptions.DeleteOnClose);
        }
    }

    /// <summary>Number of examples run through the prefix so far (each example once).</summary>
    public int PrefixPasses { get; private set; }

    /// <summary>Number of batched prefix forwards run so far (at most one per <see cref="Logits"/> call).</summary>
    public int PrefixBatches { get; private set; }

    /// <summary>Bytes of hidden states held (in memory or in the spill file).</summary>
    public long Bytes { get; private set; }

    /// <summary>Logits (B, T, V) of right-padded <paramref name="examples"/> from their cached prefix outputs.</summary>
    public Tensor Logits(IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        var fresh = Fill(examples);
        long t = examples.Max(e => e.Ids.Length);
        var padded = examples.Select(e => nn.functional.pad(fresh.GetValueOrDefault(e) ?? Get(e), [0, 0, 0, t - e.Ids.Length])).ToArray();
        var h = stack(padded);                                                                              // (B, T, hidden)
        h = model.Model.RunLayers(h, firstTrained, model.Model.Layers.Count);
        return model.Output(h).MoveToOuterDisposeScope();
    }

    // Runs the not yet cached examples through the prefix in one batch and stores their states; returns them (in the caller's scope).
    private Dictionary<TrainingExample, Tensor> Fill(IReadOnlyList<TrainingExample> examples)
    {
        var missing = examples.Where(e => !inMemory.ContainsKey(e) && !onDisk.ContainsKey(e))
            .Distinct<TrainingExample>(ReferenceEqualityComparer.Instance).ToList();
        var fresh = new Dictionary<TrainingExample, Tensor>(ReferenceEqualityComparer.Instance);
        if (missing.Count == 0) return fresh;
        var states = Prefix(missing);
        for (int i = 0; i < missing.Count; i++)
        {
            var (example, hidden) = (missing[i], states[i]);
            long bytes = hidden.numel() * hidden.element_size();
            Bytes += bytes;
            if (spill is null) inMemory[example] = hidden.DetachFromDisposeScope();
            else
            {
                spill.Seek(0, SeekOrigin.End);
                onDisk[example] = (spill.Position, bytes);
                spill.Write(hidden.cpu().contiguous().bytes);
            }
            fresh[example] = hidden;
        }
        return fresh;
    }

    // The frozen prefix of right-padded examples at once: one (T_i, hidden) state per example, contiguous.
    private Tensor[] Prefix(IReadOnlyList<TrainingExample> examples)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        PrefixPasses += examples.Count;
        PrefixBatches++;
        int b = examples.Count, t = examples.Max(e => e.Ids.Length);
        var ids = new long[b * t];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < examples[i].Ids.Length; j++) ids[i * t + j] = examples[i].Ids[j];
        var device = model.Model.Embedding.Weight.device;
        var h = model.Model.Embedding.call(tensor(ids, [b, t], device: device));       // (B, T, hidden)
        h = model.Model.RunLayers(h, 0, firstTrained);
        return examples.Select((e, i) => h[i].narrow(0, 0, e.Ids.Length).clone().MoveToOuterDisposeScope()).ToArray();
    }

    private Tensor Get(TrainingExample example)
    {
        if (inMemory.TryGetValue(example, out var kept)) return kept;
        var place = onDisk[example];
        var weight = model.Model.Embedding.Weight;
        var hidden = empty([example.Ids.Length, weight.shape[1]], weight.dtype);
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
