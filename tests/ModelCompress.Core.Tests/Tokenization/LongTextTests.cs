using System.Text;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Tokenization;

/// <summary>Encodes ~100 KB of prose: the priority-queue merge keeps this fast (no timing assertion, only pinned counts).</summary>
public class LongTextTests
{
    private static string WarAndPeace100K()
    {
        string path = TokenizerTestData.RequireFile(Path.Combine(TokenizerTestData.DataDir, "text", "war_and_peace", "war-and-peace.txt"));
        byte[] bytes = File.ReadAllBytes(path);
        int length = 100_000;
        while ((bytes[length] & 0xC0) == 0x80) length--; // do not cut a UTF-8 sequence
        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    [Fact]
    public void Llama2Spm_EncodesWarAndPeace()
    {
        var tok = SentencePieceTokenizer.Load(TokenizerTestData.ModelPath("llama2_tokenizer", "tokenizer.model"));
        string text = WarAndPeace100K();
        var ids = tok.Encode(text);
        // The whole text is one SentencePiece "word" (~100k initial symbols). 27276 was cross-checked with an independent
        // heap-based implementation of llama2.c's merge loop over llama2_tokenizer/tokenizer.bin.
        Assert.Equal(27276, ids.Count);
        Assert.Equal(text, tok.Decode(ids));
    }

    [Fact]
    public void Llama3Bpe_EncodesWarAndPeace()
    {
        var tok = ByteLevelBpeTokenizerTests.Llama3.Value;
        string text = WarAndPeace100K();
        var ids = tok.Encode(text);
        Assert.Equal(24009, ids.Count);
        Assert.Equal(text, tok.Decode(ids));
    }
}
