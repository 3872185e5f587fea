using System.Text;

namespace ModelCompress.Core.Tokenization;

/// <summary>Where the SentencePiece dummy prefix "▁" is added.</summary>
internal enum DummyPrefix { Never, Always, FirstSegmentOnly }

/// <summary>How raw text becomes the "▁"-escaped string that the BPE runs on.</summary>
internal sealed record SentencePieceTextOptions(DummyPrefix Prefix, bool RemoveExtraWhitespaces, bool SplitAtSpaces, bool Nfkc);

/// <summary>
/// SentencePiece BPE tokenizer (Llama-2 / Mistral style): spaces become U+2581, a dummy "▁" prefix is added, text
/// starts as UTF-8 characters that are merged pairwise (by piece score for a <c>.model</c> file, by merge rank for a
/// Hugging Face <c>tokenizer.json</c>), and characters outside the vocabulary fall back to <c>&lt;0xXX&gt;</c> byte pieces.
/// </summary>
public sealed class SentencePieceTokenizer : ITokenizer
{
    internal const char SpaceMark = '\u2581';

    private readonly SentencePieceVocabulary _vocab;
    private readonly IMergeRule _rule;
    private readonly SentencePieceTextOptions _options;
    private readonly SpecialTokenSplitter _specials;

    internal SentencePieceTokenizer(SentencePieceVocabulary vocab, IMergeRule rule, SentencePieceTextOptions options,
        int? bosId, int? eosId, SpecialTokenSplitter specials)
    {
        _vocab = vocab;
        _rule = rule;
        _options = options;
        _specials = specials;
        BosId = bosId;
        EosId = eosId;
    }

    /// <inheritdoc />
    public int VocabSize => _vocab.Count;

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <summary>Loads a SentencePiece <c>.model</c> file (a serialized ModelProto of type BPE).</summary>
    /// <exception cref="TokenizerException">The file is missing, malformed or not a BPE model.</exception>
    public static SentencePieceTokenizer Load(string path)
    {
        if (!File.Exists(path)) throw TokenizerException.NotFound(path, "SentencePiece model");
        SentencePieceModelFile model;
        try
        {
            model = SentencePieceModelFile.Parse(File.ReadAllBytes(path));
        }
        catch (InvalidDataException e)
        {
            throw TokenizerException.Malformed(path, e.Message, e);
        }
        if (model.ModelType != SentencePieceModelFile.ModelTypeBpe)
            throw TokenizerException.Unsupported(path, $"SentencePiece model_type {model.ModelType} (only BPE = 2 is implemented).");
        return FromScores(model.Pieces, model.Scores, model.Types, ValidId(model.UnkId, model.Pieces.Count),
            ValidId(model.BosId, model.Pieces.Count), ValidId(model.EosId, model.Pieces.Count),
            new SentencePieceTextOptions(model.AddDummyPrefix ? DummyPrefix.Always : DummyPrefix.Never,
                model.RemoveExtraWhitespaces, SplitAtSpaces: false,
                Nfkc: model.NormalizationRule.Contains("nfkc", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Builds the score-driven (SentencePiece <c>.model</c>) variant from a piece list.</summary>
    internal static SentencePieceTokenizer FromScores(IReadOnlyList<string> pieces, IReadOnlyList<float> scores,
        IReadOnlyList<SentencePieceType> types, int? unkId, int? bosId, int? eosId, SentencePieceTextOptions options)
    {
        var vocab = new SentencePieceVocabulary(pieces, types, unkId);
        var rule = new ScoreMergeRule(pieces, vocab.MergeablePieces(), scores);
        return new SentencePieceTokenizer(vocab, rule, options, bosId, eosId, SpecialTokenSplitter.Empty);
    }

    /// <summary>The piece text of <paramref name="id"/> (e.g. "▁the", "&lt;0x0A&gt;").</summary>
    public string IdToPiece(int id) => _vocab.Pieces[id];

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addBos && BosId is int bos) ids.Add(bos);
        bool atStart = true;
        _specials.Split(text,
            segment => { EncodeSegment(segment, atStart, ids); atStart = false; },
            special => { ids.Add(special); atStart = false; });
        if (addEos && EosId is int eos) ids.Add(eos);
        return ids;
    }

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (id < 0 || id >= _vocab.Count)
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the vocabulary.");
            if (_vocab.Types[id] is SentencePieceType.Control or SentencePieceType.Unknown) continue;
            int b = _vocab.ByteValue(id);
            if (b >= 0) bytes.Add((byte)b);
            else bytes.AddRange(Encoding.UTF8.GetBytes(_vocab.Pieces[id].Replace(SpaceMark, ' ')));
        }
        string text = Encoding.UTF8.GetString(bytes.ToArray());
        return _options.Prefix != DummyPrefix.Never && text.StartsWith(' ') ? text[1..] : text;
    }

    private void EncodeSegment(string segment, bool atStart, List<int> output)
    {
        string s = _options.Nfkc ? segment.Normalize(NormalizationForm.FormKC) : segment;
        if (_options.RemoveExtraWhitespaces) s = CollapseSpaces(s);
        if (s.Length == 0) return;
        s = s.Replace(' ', SpaceMark);
        if (_options.Prefix == DummyPrefix.Always || (_options.Prefix == DummyPrefix.FirstSegmentOnly && atStart))
            s = SpaceMark + s;
        if (!_options.SplitAtSpaces)
        {
            EncodeWord(s, output);
            return;
        }
        int start = 0;
        for (int i = 1; i <= s.Length; i++)
        {
            if (i < s.Length && s[i] != SpaceMark) continue;
            EncodeWord(s[start..i], output);
            start = i;
        }
    }

    private void EncodeWord(string word, List<int> output)
    {
        var chars = new List<string>();
        var symbols = new List<int>();
        foreach (Rune rune in word.EnumerateRunes())
        {
            string c = rune.ToString();
            // Characters outside the vocabulary become placeholders (negative) that never merge.
            symbols.Add(_vocab.TryGetId(c, out int id) ? id : -1 - chars.Count);
            chars.Add(c);
        }
        BpeMerger.Merge(symbols, _rule);
        foreach (int id in symbols)
        {
            if (id >= 0) output.Add(id);
            else AppendUnknown(chars[-1 - id], output);
        }
    }

    private void AppendUnknown(string character, List<int> output)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(character);
        if (utf8.All(b => _vocab.ByteId(b) >= 0))
        {
            foreach (byte b in utf8) output.Add(_vocab.ByteId(b));
        }
        else if (_vocab.UnkId is int unk)
        {
            if (output.Count == 0 || output[^1] != unk) output.Add(unk);
        }
        else throw new InvalidOperationException($"'{character}' is not in the vocabulary, which has no byte pieces and no unknown piece.");
    }

    private static string CollapseSpaces(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s.Trim(' '))
            if (c != ' ' || sb.Length == 0 || sb[^1] != ' ') sb.Append(c);
        return sb.ToString();
    }

    private static int? ValidId(int id, int count) => id >= 0 && id < count ? id : null;
}
