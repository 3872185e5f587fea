namespace ModelCompress.Core.Evaluation.Rolling;

/// <summary>
/// One rolling window as lm-evaluation-harness scores it: <see cref="Continuation"/> (the tokens it predicts) given
/// <see cref="Context"/>; the two do not overlap, and across a document's windows every token is predicted exactly once.
/// </summary>
public sealed record RollingWindow(int[] Context, int[] Continuation)
{
    /// <summary>
    /// The model input: the last <paramref name="maxLength"/> + 1 tokens of context and continuation, less the last
    /// (the harness's <c>_loglikelihood_tokens</c>); the last <c>Continuation.Length</c> positions are scored.
    /// </summary>
    public int[] Input(int maxLength)
    {
        var whole = Context.Concat(Continuation).ToArray();
        return whole[Math.Max(0, whole.Length - (maxLength + 1))..^1];
    }
}

/// <summary>
/// The harness's rolling windows over a document (<c>lm_eval/utils.py</c>: <c>get_rolling_token_windows</c> then
/// <c>make_disjoint_window</c>, called by <c>loglikelihood_rolling</c> with <c>context_len=1</c>): the first window predicts
/// the first <c>maxLength</c> tokens after the prefix token; each later one predicts the next <c>maxLength</c> tokens
/// (fewer for the last) with as much preceding text as fits in <c>maxLength</c> positions.
/// </summary>
public static class RollingWindows
{
    public static IReadOnlyList<RollingWindow> Build(IReadOnlyList<int> tokens, int prefixToken, int maxLength, int contextLength = 1)
    {
        if (contextLength < 1 || contextLength > maxLength)
            throw new ArgumentOutOfRangeException(nameof(contextLength), $"must be between 1 and {maxLength}");
        var windows = new List<RollingWindow>();
        if (tokens.Count == 0) return windows;
        int predictLength = maxLength - contextLength + 1;
        int first = Math.Min(maxLength, tokens.Count);
        windows.Add(Disjoint([prefixToken, .. Slice(tokens, 0, first - 1)], Slice(tokens, 0, first)));
        int predicted = first;
        while (predicted < tokens.Count)
        {
            int length = Math.Min(tokens.Count - predicted, predictLength);
            int end = predicted + length;
            windows.Add(Disjoint(Slice(tokens, end - maxLength - 1, end - 1), Slice(tokens, end - length, end)));
            predicted += length;
        }
        return windows;
    }

    // make_disjoint_window: the context keeps only what the continuation does not already hold.
    private static RollingWindow Disjoint(int[] input, int[] predicted) => new(input[..(input.Length - (predicted.Length - 1))], predicted);

    // Python's list[start:end]; a later window ends past maxLength, so its start is never negative (no wrap-around).
    private static int[] Slice(IReadOnlyList<int> tokens, int start, int end) =>
        tokens.Skip(Math.Max(0, start)).Take(Math.Max(0, end - Math.Max(0, start))).ToArray();
}
