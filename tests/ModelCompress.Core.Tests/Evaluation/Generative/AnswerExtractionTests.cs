using ModelCompress.Core.Evaluation.Generative;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

/// <summary>Pinned facts of lm-evaluation-harness's gsm8k filters and exact_match normalisation.</summary>
public sealed class AnswerExtractionTests
{
    private static readonly AnswerFilter Strict = Gsm8k.Definition.Filters[0], Flexible = Gsm8k.Definition.Filters[1];

    [Theory]
    [InlineData("She pays 5 * 2 = 10 dollars.\n#### 1,234.\n", "1,234.")]
    [InlineData("#### -7 and later #### 9", "-7")] // take_first: the first match
    [InlineData("The answer is 42.", "[invalid]")]
    public void StrictMatch_TakesTheNumberAfterHashes(string response, string expected) => Assert.Equal(expected, Strict.Apply(response));

    [Theory]
    [InlineData("It costs $18. Then she buys 20 apples", "20")]     // the last match (group_select -1)
    [InlineData("So $1,000.", "$1,000.")]                        // the first alternative keeps $ , and .
    [InlineData("I have 5", "5")]                                // one digit: only the second alternative matches
    [InlineData("no numbers here", "[invalid]")]
    public void FlexibleExtract_TakesTheLastNumberLikeRun(string response, string expected) =>
        Assert.Equal(expected, Flexible.Apply(response));

    [Theory]
    [InlineData("Natalia sold 48/2 = 24 clips in May.\n#### 72", "72")]
    [InlineData("$1,000.", "1000")]
    [InlineData("1,234.", "1234")]
    [InlineData("ABC", "abc")]
    public void Gsm8kNormalisation(string text, string expected) =>
        Assert.Equal(expected, ExactMatch.Normalize(text, Gsm8k.Definition.Match));

    [Fact]
    public void ExactMatch_StrictAnswerMatchesTheWorkedTarget()
    {
        const string target = "Weng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\n#### 10";
        Assert.True(ExactMatch.Matches(Strict.Apply("... so $10.\n#### 10.\n"), target, Gsm8k.Definition.Match));
        Assert.False(ExactMatch.Matches(Strict.Apply("#### 100"), target, Gsm8k.Definition.Match));
        Assert.True(ExactMatch.Matches(Flexible.Apply("she earned $10."), target, Gsm8k.Definition.Match));
    }

    [Fact]
    public void Normalisation_RegexesFirst_ThenCase_ThenPunctuation()
    {
        var options = new ExactMatchOptions(IgnoreCase: true, IgnorePunctuation: true, RegexesToIgnore: ["^The "]);
        Assert.Equal("hello world", ExactMatch.Normalize("Hello, World!", options));
        Assert.Equal("cat", ExactMatch.Normalize("The Cat.", options));
        Assert.Equal("the cat", ExactMatch.Normalize("the Cat.", options)); // the regex is case-sensitive and runs first
    }

    [Fact]
    public void Cut_KeepsTheTextBeforeEachStopStringInTurn()
    {
        Assert.Equal(" 4 + 4 = 8\n#### 8\n\n", GenerativeEvaluator.Cut(" 4 + 4 = 8\n#### 8\n\nQuestion: next</s>", Gsm8k.Definition.Until));
        Assert.Equal("abc", GenerativeEvaluator.Cut("abc", ["", "Question:"]));
    }
}
