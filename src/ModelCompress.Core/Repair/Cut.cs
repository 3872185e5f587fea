namespace ModelCompress.Core.Repair;

/// <summary>
/// One run of consecutive removed teacher layers <see cref="From"/>..<see cref="To"/> (inclusive). <see cref="Before"/> is the
/// student layer just before the cut (null when the cut starts at layer 0); the teacher state the cut should reproduce is the
/// output of teacher layer <see cref="To"/>.
/// </summary>
public sealed record Cut(int? Before, int From, int To)
{
    /// <summary>
    /// The cuts of a pruned model, in order, from the teacher index of each kept layer (<paramref name="kept"/>, ascending) and the
    /// teacher's layer count.
    /// </summary>
    public static IReadOnlyList<Cut> Of(IReadOnlyList<int> kept, int teacherLayers)
    {
        if (kept.Count == 0 || kept.Zip(kept.Skip(1)).Any(p => p.First >= p.Second) || kept[0] < 0 || kept[^1] >= teacherLayers)
            throw new InvalidInputException($"kept layers [{string.Join(", ", kept)}] are not ascending indices of a " +
                                            $"{teacherLayers}-layer model; check pruning.json or --source.");
        var cuts = new List<Cut>();
        if (kept[0] > 0) cuts.Add(new Cut(null, 0, kept[0] - 1));
        for (int j = 0; j < kept.Count; j++)
        {
            int next = j + 1 < kept.Count ? kept[j + 1] : teacherLayers;
            if (next > kept[j] + 1) cuts.Add(new Cut(j, kept[j] + 1, next - 1));
        }
        if (cuts.Count == 0) throw new InvalidInputException("the model has all its source's layers: there is no cut to repair.");
        return cuts;
    }
}
