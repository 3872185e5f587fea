using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static ModelCompress.Core.Tokenization.HuggingFaceTokenizerJson;

namespace ModelCompress.Core.Tokenization;

/// <summary>Turns the normalizer / pre-tokenizer sections of a BPE <c>tokenizer.json</c> into one of the two tokenizers.</summary>
internal static class HuggingFaceBpeSettings
{
    public static ByteLevelBpeTokenizer BuildByteLevel(string path, JsonElement model, Dictionary<string, int> vocab,
        List<(string, string)> merges, List<AddedToken> added, JsonElement pre, JsonElement normalizer, string? bos, string? eos)
    {
        string? pattern = null;
        bool addPrefixSpace = false;
        foreach (JsonElement c in Components(pre))
        {
            switch (TypeOf(c))
            {
                case "Split":
                    if (pattern is not null) throw TokenizerException.Unsupported(path, "more than one Split pre-tokenizer.");
                    pattern = SplitPattern(path, c);
                    break;
                case "ByteLevel":
                    addPrefixSpace = Flag(c, "add_prefix_space", true);
                    if (Flag(c, "use_regex", true))
                        pattern = pattern is null ? ByteLevelBpeTokenizer.Gpt2Pattern
                            : throw TokenizerException.Unsupported(path, "a Split pre-tokenizer followed by ByteLevel with use_regex.");
                    break;
                default:
                    throw TokenizerException.Unsupported(path, $"pre-tokenizer '{TypeOf(c)}' in a byte-level tokenizer.");
            }
        }
        NormalizationForm? form = null;
        foreach (JsonElement c in Components(normalizer))
        {
            form = TypeOf(c) switch
            {
                "NFC" when form is null => NormalizationForm.FormC,
                "NFKC" when form is null => NormalizationForm.FormKC,
                "NFD" when form is null => NormalizationForm.FormD,
                "NFKD" when form is null => NormalizationForm.FormKD,
                _ => throw TokenizerException.Unsupported(path, $"normalizer '{TypeOf(c)}' in a byte-level tokenizer."),
            };
        }
        var options = new ByteLevelOptions(pattern, addPrefixSpace, Flag(model, "ignore_merges", false), form, bos, eos);
        return new ByteLevelBpeTokenizer(vocab, merges, added, options, path);
    }

    public static SentencePieceTokenizer BuildSentencePiece(string path, JsonElement model, Dictionary<string, int> vocab,
        List<(string Left, string Right)> merges, List<AddedToken> added, JsonElement pre, JsonElement normalizer, string? bos, string? eos)
    {
        bool spaces = false, nfkc = false, split = false;
        var prefix = DummyPrefix.Never;
        foreach (JsonElement c in Components(normalizer))
        {
            switch (TypeOf(c))
            {
                case "Prepend" when Str(c, "prepend") == "\u2581": prefix = DummyPrefix.Always; break;
                case "Replace" when Str(Child(c, "pattern"), "String") == " " && Str(c, "content") == "\u2581": spaces = true; break;
                case "NFKC": nfkc = true; break;
                default: throw TokenizerException.Unsupported(path, $"normalizer {c.GetRawText()} in a SentencePiece-style tokenizer.");
            }
        }
        foreach (JsonElement c in Components(pre))
        {
            if (TypeOf(c) != "Metaspace" || Str(c, "replacement") is not (null or "\u2581"))
                throw TokenizerException.Unsupported(path, $"pre-tokenizer {c.GetRawText()} in a SentencePiece-style tokenizer.");
            spaces = true;
            split = Flag(c, "split", true);
            prefix = Str(c, "prepend_scheme") switch
            {
                "always" => DummyPrefix.Always,
                "first" => DummyPrefix.FirstSegmentOnly,
                "never" => DummyPrefix.Never,
                _ => Flag(c, "add_prefix_space", true) ? DummyPrefix.Always : DummyPrefix.Never,
            };
        }
        if (!spaces)
            throw TokenizerException.Unsupported(
                path, "a BPE model that is neither byte-level nor SentencePiece-style (no \" \" → \"▁\" replacement).");

        int size = Math.Max(vocab.Values.DefaultIfEmpty(-1).Max(), added.Select(t => t.Id).DefaultIfEmpty(-1).Max()) + 1;
        var pieces = new string[size];
        var types = new SentencePieceType[size];
        Array.Fill(pieces, "");
        Array.Fill(types, SentencePieceType.Unused);
        foreach (var (piece, id) in vocab) (pieces[id], types[id]) = (piece, SentencePieceType.Normal);
        foreach (var token in added)
            (pieces[token.Id], types[token.Id]) =
                (token.Content, token.Special ? SentencePieceType.Control : SentencePieceType.UserDefined);
        string? unk = Str(model, "unk_token");
        int? unkId = unk is not null && vocab.TryGetValue(unk, out int u) ? u : null;
        if (unkId is int unknown) types[unknown] = SentencePieceType.Unknown;

        var rule = new RankMergeRule();
        foreach (var (left, right) in merges)
        {
            if (!vocab.TryGetValue(left, out int a) || !vocab.TryGetValue(right, out int b) || !vocab.TryGetValue(left + right, out int m))
                throw TokenizerException.Malformed(path, $"merge \"{left} {right}\" uses a token missing from the vocabulary.");
            rule.Add(a, b, m);
        }
        var splitter = new SpecialTokenSplitter(added.ToDictionary(t => t.Content, t => t.Id));
        var options = new SentencePieceTextOptions(prefix, RemoveExtraWhitespaces: false, split, nfkc);
        return new SentencePieceTokenizer(new SentencePieceVocabulary(pieces, types, unkId), rule, options,
            IdOf(path, bos, vocab, splitter), IdOf(path, eos, vocab, splitter), splitter);
    }

    private static string SplitPattern(string path, JsonElement split)
    {
        if (Str(split, "behavior") != "Isolated" || Flag(split, "invert", false))
            throw TokenizerException.Unsupported(path, $"Split pre-tokenizer {split.GetRawText()} (only Isolated, not inverted).");
        JsonElement pattern = Child(split, "pattern");
        return Str(pattern, "Regex") ?? Regex.Escape(Str(pattern, "String")
            ?? throw TokenizerException.Malformed(path, "Split pre-tokenizer without a pattern."));
    }

    private static int? IdOf(string path, string? token, Dictionary<string, int> vocab, SpecialTokenSplitter added)
    {
        if (token is null) return null;
        if (added.Tokens.TryGetValue(token, out int id) || vocab.TryGetValue(token, out id)) return id;
        throw TokenizerException.Malformed(path, $"special token '{token}' is not in the vocabulary.");
    }

    private static string? Str(JsonElement e, string name) =>
        Child(e, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    private static bool Flag(JsonElement e, string name, bool fallback) =>
        Child(e, name).ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => fallback };
}
