using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Tokenization;

public class ByteLevelBpeTokenizerTests
{
    internal static readonly Lazy<ByteLevelBpeTokenizer> Llama3 = new(() => ByteLevelBpeTokenizer.FromGpt2Files(
        TokenizerTestData.ModelPath("llama3.2_tokenizer_bpe", "encoder.json"),
        TokenizerTestData.ModelPath("llama3.2_tokenizer_bpe", "vocab.bpe"),
        ByteLevelBpeTokenizer.Llama3Pattern, ByteLevelBpeTokenizer.Llama3SpecialTokens(),
        bosToken: "<|begin_of_text|>", eosToken: "<|end_of_text|>", ignoreMerges: true));

    public static TheoryData<int> LlamaBpeCases() => [.. Enumerable.Range(0, TokenizerTestData.ReadVectors("ggml-vocab-llama-bpe.gguf").Count)];

    [Theory]
    [MemberData(nameof(LlamaBpeCases))]
    public void Llama3_MatchesLlamaCppVector(int index)
    {
        var (input, expected) = TokenizerTestData.ReadVectors("ggml-vocab-llama-bpe.gguf")[index];
        Assert.Equal(expected, Llama3.Value.Encode(input));
    }

    [Theory]
    [MemberData(nameof(LlamaBpeCases))]
    public void Llama3_DecodeOfEncodeRoundTrips(int index)
    {
        var (input, _) = TokenizerTestData.ReadVectors("ggml-vocab-llama-bpe.gguf")[index];
        Assert.Equal(input, Llama3.Value.Decode(Llama3.Value.Encode(input)));
    }

    [Fact]
    public void Llama3_SpecialTokens()
    {
        var tok = Llama3.Value;
        Assert.Equal(128256, tok.VocabSize);
        Assert.Equal(128000, tok.BosId);
        Assert.Equal(128001, tok.EosId);
        Assert.Equal([128000, 9906, 1917, 128001], tok.Encode("Hello world", addBos: true, addEos: true));
        // Special tokens in the text are matched literally; decoding drops them.
        Assert.Equal([128000, 9906, 128009], tok.Encode("<|begin_of_text|>Hello<|eot_id|>"));
        Assert.Equal("Hello world", tok.Decode([128000, 9906, 1917, 128001]));
    }

    [Fact]
    public void WithoutIgnoreMerges_OnlyWholeTokensUnreachableByMergesDiffer()
    {
        // Pure merging reaches the same tokens except where a pre-token is itself a vocabulary token that no merge
        // sequence builds: " Việt" (101798) is such a token, which is why Llama-3 sets ignore_merges.
        var tok = ByteLevelBpeTokenizer.FromGpt2Files(
            TokenizerTestData.ModelPath("llama3.2_tokenizer_bpe", "encoder.json"),
            TokenizerTestData.ModelPath("llama3.2_tokenizer_bpe", "vocab.bpe"), ByteLevelBpeTokenizer.Llama3Pattern);
        foreach (var (input, expected) in TokenizerTestData.ReadVectors("ggml-vocab-llama-bpe.gguf"))
        {
            if (input == "Cửa Việt") Assert.Equal([34, 91163, 11655, 26298, 83], tok.Encode(input));
            else Assert.Equal(expected, tok.Encode(input));
        }
    }

    [Fact]
    public void MissingFiles_ThrowTokenizerException()
    {
        Assert.Throws<TokenizerException>(() => ByteLevelBpeTokenizer.FromGpt2Files("/nonexistent/encoder.json", "/nonexistent/vocab.bpe",
            ByteLevelBpeTokenizer.Llama3Pattern));
    }
}
