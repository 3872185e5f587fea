namespace ModelCompress.Core.Tokenization;

/// <summary>Decides whether two adjacent symbols merge, into what, and how urgently.</summary>
internal interface IMergeRule
{
    /// <summary>
    /// True when the pair (<paramref name="left"/>, <paramref name="right"/>) merges into <paramref name="merged"/>.
    /// Pairs with a lower <paramref name="priority"/> merge first; ties go to the leftmost pair.
    /// </summary>
    bool TryMerge(int left, int right, out int merged, out double priority);
}

/// <summary>
/// The BPE merge loop shared by every tokenizer here: symbols form a linked list, candidate pairs wait in a
/// priority queue ordered by (priority, position) and stale entries are skipped when popped, so a word of
/// n symbols costs O(n log n) instead of rescanning all pairs after each merge.
/// </summary>
internal static class BpeMerger
{
    /// <summary>Merges <paramref name="symbols"/> in place; negative ids are placeholders that never merge.</summary>
    public static void Merge(List<int> symbols, IMergeRule rule)
    {
        int n = symbols.Count;
        if (n < 2) return;
        int[] ids = [.. symbols];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }

        var queue = new PriorityQueue<Candidate, (double Priority, int Position)>();
        for (int i = 0; i + 1 < n; i++) Offer(queue, rule, ids, i, i + 1);

        while (queue.TryDequeue(out var c, out _))
        {
            // Stale entry: one side was merged away or changed since the pair was queued.
            if (ids[c.Left] != c.LeftId || ids[c.Right] != c.RightId || next[c.Left] != c.Right) continue;
            ids[c.Left] = c.Merged;
            ids[c.Right] = int.MinValue;
            int after = next[c.Right];
            next[c.Left] = after;
            if (after >= 0) prev[after] = c.Left;
            if (prev[c.Left] >= 0) Offer(queue, rule, ids, prev[c.Left], c.Left);
            if (after >= 0) Offer(queue, rule, ids, c.Left, after);
        }

        symbols.Clear();
        for (int i = 0; i >= 0; i = next[i]) symbols.Add(ids[i]);
    }

    private static void Offer(PriorityQueue<Candidate, (double, int)> queue, IMergeRule rule, int[] ids, int left, int right)
    {
        int a = ids[left], b = ids[right];
        if (a < 0 || b < 0) return;
        if (rule.TryMerge(a, b, out int merged, out double priority))
            queue.Enqueue(new Candidate(left, right, a, b, merged), (priority, left));
    }

    private readonly record struct Candidate(int Left, int Right, int LeftId, int RightId, int Merged);
}

/// <summary>SentencePiece rule: a pair merges when its concatenation is a vocabulary piece; higher score first.</summary>
internal sealed class ScoreMergeRule(IReadOnlyList<string> pieces, IReadOnlyDictionary<string, int> mergeable, IReadOnlyList<float> scores)
    : IMergeRule
{
    public bool TryMerge(int left, int right, out int merged, out double priority)
    {
        if (mergeable.TryGetValue(string.Concat(pieces[left], pieces[right]), out merged))
        {
            priority = -scores[merged];
            return true;
        }
        priority = 0;
        return false;
    }
}

/// <summary>Hugging Face / GPT-2 rule: a pair merges when it is in the merge list; earlier merges first.</summary>
internal sealed class RankMergeRule : IMergeRule
{
    private readonly Dictionary<long, (int Rank, int Merged)> _merges = [];

    public int Count => _merges.Count;

    /// <summary>Adds the next merge (its rank is the order of addition); an already listed pair keeps its first rank.</summary>
    public void Add(int left, int right, int merged) => _merges.TryAdd(Key(left, right), (_merges.Count, merged));

    public bool TryMerge(int left, int right, out int merged, out double priority)
    {
        if (_merges.TryGetValue(Key(left, right), out var m))
        {
            merged = m.Merged;
            priority = m.Rank;
            return true;
        }
        merged = 0;
        priority = 0;
        return false;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
