using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.Tokenization;

/// <summary>Characters outside the BMP must be classified like the Rust/Oniguruma regexes of Hugging Face do.</summary>
public class RegexPreTokenizerTests
{
    [Theory]
    [InlineData(ByteLevelBpeTokenizer.Qwen2Pattern, "a𝐀b c", new[] { "a𝐀b", " c" })] // 𝐀 (U+1D400) is a letter
    [InlineData(ByteLevelBpeTokenizer.Qwen2Pattern, "🦙abc", new[] { "🦙abc" })] // emoji = optional non-letter prefix
    [InlineData(ByteLevelBpeTokenizer.Llama3Pattern, "𝟏𝟐𝟑𝟒", new[] { "𝟏𝟐𝟑", "𝟒" })] // math digits are \p{N}
    [InlineData(ByteLevelBpeTokenizer.Llama3Pattern, "I'm  ok\n\n", new[] { "I", "'m", " ", " ok", "\n\n" })]
    public void SplitsLikeHuggingFace(string pattern, string text, string[] expected)
    {
        Assert.Equal(expected, new RegexPreTokenizer(pattern).Split(text));
    }
}
