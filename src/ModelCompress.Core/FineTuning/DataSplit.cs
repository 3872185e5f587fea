using ModelCompress.Core.Data;

namespace ModelCompress.Core.FineTuning;

/// <summary>Seeded train/validation split and per-epoch order.</summary>
public static class DataSplit
{
    /// <summary>
    /// Shuffles with <paramref name="seed"/> and takes the first <paramref name="validationSize"/> examples for validation.
    /// </summary>
    public static (List<TrainingExample> Train, List<TrainingExample> Validation) Split(IReadOnlyList<TrainingExample> examples,
                                                                                       int validationSize, long seed, string source)
    {
        if (validationSize >= examples.Count)
            throw DatasetException.TooFewForValidation(source, examples.Count, validationSize);
        var order = Permutation(examples.Count, seed);
        return ([.. order.Skip(validationSize).Select(i => examples[i])], [.. order.Take(validationSize).Select(i => examples[i])]);
    }

    /// <summary>A permutation of 0..count-1 that depends only on (count, seed).</summary>
    public static int[] Permutation(int count, long seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(unchecked((int)(seed ^ (seed >> 32)))).Shuffle(order);
        return order;
    }
}
