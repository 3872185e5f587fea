namespace ModelCompress.Core.Evaluation;

/// <summary>A batch row holding one or more groups back to back (each with its own positions and a block of the mask).</summary>
internal sealed record PackedLine(IReadOnlyList<(PackedRow Group, int Offset)> Groups, int Length);

/// <summary>
/// First-fit decreasing packing: groups sorted longest first; a batch's rows are as long as its longest group and each
/// later group goes into the first row with room, so short questions fill the padding that right-padding would waste.
/// </summary>
internal static class RowPacker
{
    public static IEnumerable<PackedLine[]> Batches(IEnumerable<PackedRow> groups, int rowsPerBatch)
    {
        var rows = new List<List<(PackedRow, int)>>();
        var used = new List<int>();
        int capacity = 0;
        foreach (var group in groups.OrderByDescending(g => g.Length))
        {
            int fit = used.FindIndex(u => u + group.Length <= capacity);
            if (fit < 0 && rows.Count == rowsPerBatch)
            {
                yield return Close(rows, used);
                rows.Clear();
                used.Clear();
            }
            if (rows.Count == 0) capacity = group.Length;
            if (fit < 0 || used.Count == 0)
            {
                rows.Add([(group, 0)]);
                used.Add(group.Length);
            }
            else
            {
                rows[fit].Add((group, used[fit]));
                used[fit] += group.Length;
            }
        }
        if (rows.Count > 0) yield return Close(rows, used);
    }

    private static PackedLine[] Close(List<List<(PackedRow, int)>> rows, List<int> used) =>
        rows.Select((r, i) => new PackedLine(r.ToArray(), used[i])).ToArray();
}
