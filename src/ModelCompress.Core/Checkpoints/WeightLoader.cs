using static TorchSharp.torch;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// One tensor a checkpoint fills: a <see cref="Parameter"/> copied in place, or a <see cref="Sink"/> handed the tensor as it
/// is read (an NF4 layer quantizes it). <see cref="Shape"/> is what the model expects under the checkpoint key <see cref="Source"/>.
/// </summary>
public sealed record WeightTarget(string Source, long[] Shape, Tensor? Parameter, Action<Tensor>? Sink)
{
    /// <summary>Copies checkpoint key <paramref name="source"/> into <paramref name="parameter"/>.</summary>
    public static WeightTarget Into(Tensor parameter, string source) => new(source, parameter.shape, parameter, null);

    /// <summary>Hands checkpoint key <paramref name="source"/> of shape <paramref name="shape"/> to <paramref name="sink"/>.</summary>
    public static WeightTarget To(string source, long[] shape, Action<Tensor> sink) => new(source, shape, null, sink);
}

/// <summary>
/// The one loader of checkpoint tensors into a model: every key and shape is checked before any weight is read, then the
/// tensors are read one at a time, each checked for NaN and Inf where it is read.
/// </summary>
public static class WeightLoader
{
    /// <summary><see cref="Check"/> then <see cref="Fill"/>.</summary>
    public static void Load(CheckpointReader reader, IReadOnlyList<WeightTarget> targets)
    {
        Check(reader, targets);
        Fill(reader, targets);
    }

    /// <summary>Throws on the first mis-shaped tensor, or names every key the checkpoint lacks.</summary>
    public static void Check(CheckpointReader reader, IReadOnlyList<WeightTarget> targets)
    {
        var missing = new List<string>();
        foreach (var target in targets)
        {
            if (!reader.Contains(target.Source)) { missing.Add(target.Source); continue; }
            var entry = reader.Locate(target.Source).Entry;
            if (!entry.Shape.SequenceEqual(target.Shape)) throw CheckpointException.ShapeMismatch(target.Source, target.Shape, entry.Shape);
        }
        if (missing.Count > 0) throw CheckpointException.MissingKeys(missing);
    }

    /// <summary>Reads every target's tensor, in order, without recording gradients.</summary>
    public static void Fill(CheckpointReader reader, IReadOnlyList<WeightTarget> targets)
    {
        using var noGrad = no_grad();
        foreach (var target in targets)
        {
            var (file, entry) = reader.Locate(target.Source);
            if (target.Parameter is { } parameter)
            {
                // Straight into the parameter's memory when nothing needs converting or moving.
                if (parameter.device_type == TorchSharp.DeviceType.CPU && parameter.dtype == entry.DType.ToScalarType()
                    && parameter.is_contiguous())
                    file.ReadInto(entry, parameter.bytes);
                else
                {
                    using var loaded = file.Read(entry);
                    parameter.copy_(loaded);
                }
                RequireFinite(parameter, file.Path, target.Source);
            }
            else
            {
                using var loaded = file.Read(entry);
                RequireFinite(loaded, file.Path, target.Source);
                target.Sink!(loaded);
            }
        }
    }

    /// <summary>
    /// One reduction per loaded tensor, on its device: a NaN or Inf weight is named where it is read, rather than surfacing as
    /// NaN scores, losses or log-likelihoods later.
    /// </summary>
    public static void RequireFinite(Tensor tensor, string file, string key)
    {
        using var finite = tensor.isfinite().all();
        if (!finite.item<bool>())
            throw new CheckpointException($"{file}: tensor '{key}' holds NaN or Inf values. Re-export or re-download the checkpoint.");
    }
}
