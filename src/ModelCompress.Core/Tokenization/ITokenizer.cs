namespace ModelCompress.Core.Tokenization;

/// <summary>A text tokenizer with the special ids a causal language model needs.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the tokenizer can produce (including special tokens).</summary>
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, or null when the vocabulary has none.</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id, or null when the vocabulary has none.</summary>
    int? EosId { get; }

    /// <summary>Encodes <paramref name="text"/>; optionally prepends BOS and appends EOS.</summary>
    IReadOnlyList<int> Encode(string text, bool addBos = false, bool addEos = false);

    /// <summary>Decodes ids to text; special tokens (BOS, EOS, control) are dropped.</summary>
    string Decode(IEnumerable<int> ids);
}
