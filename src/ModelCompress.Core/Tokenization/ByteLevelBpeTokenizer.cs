using System.Text;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// GPT-2-style byte-level BPE (Llama-3, Qwen2/3, GPT-2): added tokens are cut out literally, the rest is split by a
/// pre-tokenizer regex, each piece's UTF-8 bytes are spelled with the GPT-2 byte alphabet and merged by merge rank.
/// Instances are safe to use from several threads.
/// </summary>
public sealed class ByteLevelBpeTokenizer : ITokenizer
{
    /// <summary>GPT-2's pre-tokenizer pattern.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>Llama-3's pre-tokenizer pattern (numbers in groups of up to three digits).</summary>
    public const string Llama3Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2/Qwen3's pre-tokenizer pattern (single digits).</summary>
    public const string Qwen2Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const int MaxCacheEntries = 100_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokens;
    private readonly RankMergeRule _merges = new();
    private readonly int[] _byteIds = new int[256];
    private readonly RegexPreTokenizer? _preTokenizer;
    private readonly ByteLevelOptions _options;
    private readonly SpecialTokenSplitter _added;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    internal ByteLevelBpeTokenizer(Dictionary<string, int> vocab, IEnumerable<(string Left, string Right)> merges,
        IReadOnlyList<AddedToken> addedTokens, ByteLevelOptions options, string source)
    {
        _vocab = vocab;
        _options = options;
        _preTokenizer = options.Pattern is null ? null : new RegexPreTokenizer(options.Pattern);
        _addedById = addedTokens.ToDictionary(t => t.Id);
        _added = new SpecialTokenSplitter(addedTokens.ToDictionary(t => t.Content, t => t.Id));
        int size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max() + 1, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
        _tokens = new string?[size];
        foreach (var (token, id) in vocab) _tokens[id] = token;
        for (int b = 0; b < 256; b++)
            _byteIds[b] = vocab.TryGetValue(ByteLevelAlphabet.ToChar((byte)b).ToString(), out int id) ? id : -1;
        foreach (var (left, right) in merges)
        {
            if (!vocab.TryGetValue(left, out int a) || !vocab.TryGetValue(right, out int b) || !vocab.TryGetValue(left + right, out int m))
                throw TokenizerException.Malformed(source, $"merge \"{left} {right}\" uses a token missing from the vocabulary.");
            _merges.Add(a, b, m);
        }
        BosId = ResolveToken(options.BosToken, source);
        EosId = ResolveToken(options.EosToken, source);
    }

    /// <inheritdoc />
    public int VocabSize => _tokens.Length;

    /// <inheritdoc />
    public int? BosId { get; }

    /// <inheritdoc />
    public int? EosId { get; }

    /// <summary>Number of merge rules.</summary>
    public int MergeCount => _merges.Count;

    /// <summary>
    /// Loads GPT-2-style files: <paramref name="encoderJsonPath"/> (token → id JSON object) and
    /// <paramref name="vocabBpePath"/> (one merge "a b" per line, optional "#version" header).
    /// <paramref name="specialTokens"/> are matched literally before pre-tokenization; BOS/EOS name tokens of either set.
    /// Set <paramref name="ignoreMerges"/> for Llama-3, whose pieces that are whole vocabulary tokens skip the merges.
    /// </summary>
    /// <exception cref="TokenizerException">A file is missing or malformed.</exception>
    public static ByteLevelBpeTokenizer FromGpt2Files(string encoderJsonPath, string vocabBpePath, string pattern,
        IReadOnlyDictionary<string, int>? specialTokens = null, string? bosToken = null, string? eosToken = null,
        bool ignoreMerges = false)
    {
        var vocab = Gpt2BpeFiles.ReadEncoder(encoderJsonPath);
        var merges = Gpt2BpeFiles.ReadMerges(vocabBpePath);
        var added = (specialTokens ?? new Dictionary<string, int>()).Select(t => new AddedToken(t.Key, t.Value, Special: true)).ToList();
        var options = new ByteLevelOptions(pattern, AddPrefixSpace: false, ignoreMerges, Normalization: null, bosToken, eosToken);
        return new ByteLevelBpeTokenizer(vocab, merges, added, options, vocabBpePath);
    }

    /// <summary>Llama-3's 256 special tokens (<c>&lt;|begin_of_text|&gt;</c> = 128000 … 128255), absent from encoder.json.</summary>
    public static IReadOnlyDictionary<string, int> Llama3SpecialTokens()
    {
        string[] named = ["<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
            "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
            "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"];
        var tokens = new Dictionary<string, int>();
        for (int i = 0; i < 256; i++)
            tokens[i < named.Length ? named[i] : $"<|reserved_special_token_{i - named.Length + 3}|>"] = 128000 + i;
        return tokens;
    }

    /// <summary>The token text of <paramref name="id"/> in the byte-level alphabet (e.g. "Ġthe"), or null if unused.</summary>
    public string? IdToToken(int id) => _tokens[id];

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text, bool addBos = false, bool addEos = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addBos && BosId is int bos) ids.Add(bos);
        _added.Split(text, segment => EncodeSegment(segment, ids), ids.Add);
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
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!added.Special) bytes.AddRange(Encoding.UTF8.GetBytes(added.Content));
                continue;
            }
            string token = id >= 0 && id < _tokens.Length ? _tokens[id] ?? throw UnknownId(id) : throw UnknownId(id);
            foreach (char c in token)
            {
                if (ByteLevelAlphabet.TryToByte(c, out byte b)) bytes.Add(b);
                else bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private void EncodeSegment(string segment, List<int> output)
    {
        if (_options.Normalization is NormalizationForm form) segment = segment.Normalize(form);
        if (_options.AddPrefixSpace && !segment.StartsWith(' ')) segment = " " + segment;
        if (_preTokenizer is null)
        {
            EncodePiece(segment, output);
            return;
        }
        foreach (string piece in _preTokenizer.Split(segment)) EncodePiece(piece, output);
    }

    private void EncodePiece(string piece, List<int> output)
    {
        int[]? cached;
        lock (_cache) _cache.TryGetValue(piece, out cached);
        if (cached is not null)
        {
            output.AddRange(cached);
            return;
        }
        byte[] utf8 = Encoding.UTF8.GetBytes(piece);
        var symbols = new List<int>(utf8.Length);
        if (_options.IgnoreMerges && _vocab.TryGetValue(ByteLevelAlphabet.Encode(utf8), out int whole))
        {
            symbols.Add(whole);
        }
        else
        {
            foreach (byte b in utf8)
                symbols.Add(_byteIds[b] >= 0
                    ? _byteIds[b]
                    : throw new InvalidOperationException($"byte 0x{b:X2} has no token in the vocabulary."));
            BpeMerger.Merge(symbols, _merges);
        }
        if (piece.Length <= 256)
        {
            lock (_cache)
            {
                if (_cache.Count >= MaxCacheEntries) _cache.Clear();
                _cache[piece] = [.. symbols];
            }
        }
        output.AddRange(symbols);
    }

    private int? ResolveToken(string? token, string source)
    {
        if (token is null) return null;
        if (_added.Tokens.TryGetValue(token, out int id) || _vocab.TryGetValue(token, out id)) return id;
        throw TokenizerException.Malformed(source, $"special token '{token}' is not in the vocabulary.");
    }

    private static ArgumentOutOfRangeException UnknownId(int id) => new("ids", $"token id {id} is not in the vocabulary.");
}

/// <summary>Pre-tokenization and special-token settings of a <see cref="ByteLevelBpeTokenizer"/>.</summary>
internal sealed record ByteLevelOptions(string? Pattern, bool AddPrefixSpace, bool IgnoreMerges,
    NormalizationForm? Normalization, string? BosToken, string? EosToken);
