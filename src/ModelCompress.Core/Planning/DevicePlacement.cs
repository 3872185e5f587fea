using ModelCompress.Core.FineTuning;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.Planning;

/// <summary>
/// What a pipeline of layers balances, in bytes: each device's parameters and, when training, the trained parameters' gradients
/// and two AdamW states (model dtype; LoRA adapters fp32). The run (<see cref="Rule"/>) and the plan use the same costs, so the
/// plan shows the placement the run makes.
/// </summary>
public static class DevicePlacement
{
    /// <summary>Per-layer bytes, the first slot's own (embedding) and the last slot's own (final norm, an untied lm_head).</summary>
    public static (long[] Layers, long First, long Last) Costs(ModelDims dims, int layers, int bytes, TrainingOptions? training)
    {
        long layer = dims.LayerParameters * bytes, embedding = dims.EmbeddingParameters * bytes, norm = dims.Hidden * (long)bytes;
        long head = dims.Tied ? 0 : embedding;
        var costs = Enumerable.Repeat(layer, layers).ToArray();
        switch (training?.Method)
        {
            case null:
                return (costs, embedding, norm + head);
            case FineTuneMethod.Full:
                return ([.. costs.Select(c => 4 * c)], 4 * embedding, 4 * (norm + head));
            case FineTuneMethod.Partial:
                int k = Math.Min(training.TrainableLayers, layers);
                for (int i = layers - k; i < layers; i++) costs[i] = 4 * layer;
                return (costs, embedding, 4 * (norm + head));
            default:
                var targets = training.Lora.TargetList.ToHashSet();
                long adapters = dims.Projections.Where(p => targets.Contains(p.Name)).Sum(p => (p.In + p.Out) * training.Lora.Rank);
                long frozen = training.Method == FineTuneMethod.QLora
                    ? (long)Math.Ceiling(dims.ProjectionWeights * MemoryPlanner.Nf4BytesPerValue)
                      + (dims.LayerParameters - dims.ProjectionWeights) * bytes
                    : layer;
                return ([.. costs.Select(_ => frozen + 16 * adapters)], embedding, norm + head);
        }
    }

    /// <summary>The balanced placement of a model of <paramref name="dims"/> with <paramref name="layers"/> layers.</summary>
    public static LayerPlacement Place(IReadOnlyList<Device> devices, ModelDims dims, int layers, int bytes, TrainingOptions? training)
    {
        var (costs, first, last) = Costs(dims, layers, bytes, training);
        return LayerPlacement.Balance(devices, costs, first, last);
    }

    /// <summary>How a run places the model it loads on <paramref name="devices"/> (forward-only when <paramref name="training"/>
    /// is null).</summary>
    public static PlacementRule Rule(IReadOnlyList<Device> devices, ScalarType dtype, TrainingOptions? training = null) =>
        config => Place(devices, ModelDims.Of(config), config.NumHiddenLayers, dtype is ScalarType.Float32 ? 4 : 2, training);
}
