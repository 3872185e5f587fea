using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// A log-likelihood request in tokens: the continuation's ids are scored given the context's ids. <see cref="Group"/>
/// identifies the question it belongs to (requests of a group with equal contexts share one forward pass).
/// </summary>
public sealed record TokenRequest(int Group, IReadOnlyList<int> Context, IReadOnlyList<int> Continuation);

/// <summary>
/// Splits text requests into tokens as lm-evaluation-harness 0.4 does (<c>_encode_pair</c>): trailing whitespace of the
/// context moves to the front of the continuation; the whole string and the context are tokenized separately, and the
/// continuation's ids are the whole's ids after the context's length. An empty context becomes the end-of-text token.
/// With <paramref name="addBos"/>, BOS starts both encodings (and so the model input).
/// </summary>
public sealed class RequestEncoder(ITokenizer tokenizer, bool addBos)
{
    /// <summary>Whether BOS is prepended (only when the tokenizer has one).</summary>
    public bool AddBos { get; } = addBos && tokenizer.BosId is not null;

    /// <summary>The token that stands for an empty context: BOS when adding BOS, else end-of-text (EOS), else BOS.</summary>
    public int PrefixToken => (AddBos ? tokenizer.BosId : tokenizer.EosId ?? tokenizer.BosId)
        ?? throw new InvalidOperationException("the tokenizer has neither BOS nor EOS, so an empty context cannot be scored");

    public (int[] Context, int[] Continuation) Encode(string context, string continuation)
    {
        int spaces = context.Length - context.TrimEnd().Length;
        if (spaces > 0)
        {
            continuation = context[^spaces..] + continuation;
            context = context[..^spaces];
        }
        if (context.Length == 0) return ([PrefixToken], [.. tokenizer.Encode(continuation)]);
        var whole = tokenizer.Encode(context + continuation, AddBos);
        var contextIds = tokenizer.Encode(context, AddBos);
        return ([.. contextIds], [.. whole.Skip(contextIds.Count)]);
    }

    /// <summary>The token requests of <paramref name="items"/>; <c>Group</c> is the item's index.</summary>
    public IReadOnlyList<TokenRequest> Encode(IReadOnlyList<MultipleChoiceItem> items) =>
        items.SelectMany((item, i) => item.Requests.Select(r =>
        {
            var (ctx, cont) = Encode(r.Context, r.Continuation);
            return new TokenRequest(i, ctx, cont);
        })).ToList();
}
