using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>One id per character (id = char code + 3), BOS 1, EOS 2: token counts are character counts, easy to compute by hand.</summary>
internal sealed class CharTokenizer(int vocab = 128) : ITokenizer
{
    public int VocabSize => vocab;
    public int? BosId => 1;
    public int? EosId => 2;

    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool addEos = false) =>
        [.. (addBos ? [1] : Array.Empty<int>()), .. text.Select(c => (c + 3) % vocab), .. (addEos ? [2] : Array.Empty<int>())];

    public string Decode(IEnumerable<int> ids) => new(ids.Where(i => i > 2).Select(i => (char)(i - 3)).ToArray());
}
