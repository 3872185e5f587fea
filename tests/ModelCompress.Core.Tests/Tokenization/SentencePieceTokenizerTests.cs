using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Tokenization;

public class SentencePieceTokenizerTests
{
    private static readonly Lazy<SentencePieceTokenizer> Llama2 =
        new(() => SentencePieceTokenizer.Load(TokenizerTestData.ModelPath("llama2_tokenizer", "tokenizer.model")));

    public static TheoryData<int> LlamaSpmCases() => [.. Enumerable.Range(0, TokenizerTestData.ReadVectors("ggml-vocab-llama-spm.gguf").Count)];

    [Theory]
    [MemberData(nameof(LlamaSpmCases))]
    public void Llama2_MatchesLlamaCppVector(int index)
    {
        var (input, expected) = TokenizerTestData.ReadVectors("ggml-vocab-llama-spm.gguf")[index];
        Assert.Equal(expected, Llama2.Value.Encode(input));
    }

    [Theory]
    [MemberData(nameof(LlamaSpmCases))]
    public void Llama2_DecodeOfEncodeRoundTrips(int index)
    {
        var (input, _) = TokenizerTestData.ReadVectors("ggml-vocab-llama-spm.gguf")[index];
        Assert.Equal(input, Llama2.Value.Decode(Llama2.Value.Encode(input)));
    }

    [Fact]
    public void Llama2_SpecialIdsAndVocab()
    {
        var tok = Llama2.Value;
        Assert.Equal(32000, tok.VocabSize);
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal([1, 15043, 3186, 2], tok.Encode("Hello world", addBos: true, addEos: true));
        Assert.Equal("Hello world", tok.Decode([1, 15043, 3186, 2]));
        Assert.Equal("<0x0A>", tok.IdToPiece(13));
    }

    [Fact]
    public void Stories260K_OnceUponATime()
    {
        var tok = SentencePieceTokenizer.Load(TokenizerTestData.ModelPath("stories260K", "tok512.model"));
        Assert.Equal(512, tok.VocabSize);
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        var ids = tok.Encode("Once upon a time", addBos: true);
        // Pieces: <s> ▁Once ▁upon ▁a ▁time (the same ids llama2.c's run.c produces with tok512.bin).
        Assert.Equal([1, 403, 407, 261, 378], ids);
        Assert.Equal(["▁Once", "▁upon", "▁a", "▁time"], ids.Skip(1).Select(tok.IdToPiece));
        Assert.Equal("Once upon a time", tok.Decode(ids));
        const string story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
        Assert.Equal(story, tok.Decode(tok.Encode(story)));
    }

    [Fact]
    public void MissingFile_ThrowsTokenizerException()
    {
        var e = Assert.Throws<TokenizerException>(() => SentencePieceTokenizer.Load("/nonexistent/tokenizer.model"));
        Assert.Equal("/nonexistent/tokenizer.model", e.FilePath);
    }

    [Fact]
    public void MalformedFile_ThrowsTokenizerException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.model");
        File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0x01]);
        try
        {
            var e = Assert.Throws<TokenizerException>(() => SentencePieceTokenizer.Load(path));
            Assert.Contains("Malformed", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
