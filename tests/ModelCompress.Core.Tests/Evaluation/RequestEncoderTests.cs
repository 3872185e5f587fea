using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Evaluation;

public sealed class RequestEncoderTests
{
    [Fact]
    public void Encode_SplitsWholeStringAtContextLength()
    {
        var encoder = new RequestEncoder(new CharTokenizer(), addBos: false);
        var (context, continuation) = encoder.Encode("Q: a\nA:", " yes");
        Assert.Equal(7, context.Length);
        Assert.Equal(" yes".Select(c => c + 3), continuation);
    }

    [Fact]
    public void Encode_TrailingContextSpacesMoveToContinuation()
    {
        var encoder = new RequestEncoder(new CharTokenizer(), addBos: false);
        var (context, continuation) = encoder.Encode("ab  ", "c");
        Assert.Equal(new[] { 'a' + 3, 'b' + 3 }, context);
        Assert.Equal(new[] { ' ' + 3, ' ' + 3, 'c' + 3 }, continuation);
    }

    [Fact]
    public void Encode_AddBos_PrefixesContextOnly()
    {
        var encoder = new RequestEncoder(new CharTokenizer(), addBos: true);
        var (context, continuation) = encoder.Encode("ab", " c");
        Assert.Equal(new[] { 1, 'a' + 3, 'b' + 3 }, context);
        Assert.Equal(new[] { ' ' + 3, 'c' + 3 }, continuation);
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public void Encode_EmptyContext_BecomesEndOfTextOrBos(bool addBos, int expected)
    {
        var (context, continuation) = new RequestEncoder(new CharTokenizer(), addBos).Encode("", "hi");
        Assert.Equal(new[] { expected }, context);
        Assert.Equal(2, continuation.Length);
    }

    [Fact]
    public void Encode_SentencePiece_ContinuationIsTailOfWholeEncoding()
    {
        var tokenizer = SentencePieceTokenizer.Load(SharedData.Tok512);
        var (context, continuation) = new RequestEncoder(tokenizer, addBos: false).Encode("Question: Which is hot?\nAnswer:", " the sun");
        var whole = tokenizer.Encode("Question: Which is hot?\nAnswer: the sun");
        Assert.Equal(tokenizer.Encode("Question: Which is hot?\nAnswer:"), context);
        Assert.Equal(whole.Skip(context.Length), continuation);
        Assert.Equal(whole.Count, context.Length + continuation.Length);
    }
}
