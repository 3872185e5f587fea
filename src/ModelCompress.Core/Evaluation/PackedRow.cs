namespace ModelCompress.Core.Evaluation;

/// <summary>
/// One question's packed tokens: a context once, then each request's continuation minus its last token. Token k of request j's
/// continuation is predicted at <see cref="PredictorIndex"/>: the context's last token for k = 0, else the row index of
/// continuation token k-1.
/// </summary>
internal sealed class PackedRow
{
    private readonly List<int> tokens = [];
    private readonly List<int> positions = [];
    private readonly List<int> segmentStarts = [];

    public PackedRow(int group, IReadOnlyList<int> context, IReadOnlyList<(int Request, IReadOnlyList<int> Continuation)> members)
    {
        Group = group;
        ContextLength = context.Count;
        Members = members;
        tokens.AddRange(context);
        positions.AddRange(Enumerable.Range(0, context.Count));
        foreach (var (_, continuation) in members)
        {
            segmentStarts.Add(tokens.Count);
            for (int k = 0; k < continuation.Count - 1; k++)
            {
                tokens.Add(continuation[k]);
                positions.Add(context.Count + k);
            }
        }
    }

    public int Group { get; }
    public int ContextLength { get; }
    public IReadOnlyList<(int Request, IReadOnlyList<int> Continuation)> Members { get; }
    public IReadOnlyList<int> Tokens => tokens;
    public IReadOnlyList<int> Positions => positions;
    public int Length => tokens.Count;

    /// <summary>The row index whose output predicts continuation token <paramref name="k"/> of member <paramref name="member"/>.</summary>
    public int PredictorIndex(int member, int k) => k == 0 ? ContextLength - 1 : segmentStarts[member] + k - 1;

    /// <summary>
    /// Fills this group's block of a (B, T, T) mask for batch row <paramref name="row"/>, the group starting at column
    /// <paramref name="offset"/>: context causal; a continuation sees the context and its own earlier tokens; nothing
    /// outside the block (other groups packed in the same row).
    /// </summary>
    public void FillMask(bool[] allowed, int row, int width, int offset)
    {
        long rowBase = (long)row * width * width;
        for (int i = 0; i < Length; i++)
        {
            long r = rowBase + (long)(offset + i) * width + offset;
            int segment = i < ContextLength ? -1 : SegmentOf(i);
            for (int k = 0; k < Math.Min(ContextLength, i + 1); k++) allowed[r + k] = true;
            if (segment >= 0) for (int k = segmentStarts[segment]; k <= i; k++) allowed[r + k] = true;
        }
    }

    private int SegmentOf(int index)
    {
        int s = segmentStarts.Count - 1;
        while (segmentStarts[s] > index) s--;
        return s;
    }
}
