using System.Text.Json.Nodes;
using ModelCompress.Core.Evaluation.Harness;
using ModelCompress.Core.Evaluation.Rolling;

namespace ModelCompress.Core.Tests.Evaluation;

/// <summary>
/// The pieces of the harness's format that must be exact: rolling windows, wikitext documents and detokenizer, Python's
/// JSON and float text. Expected values were produced by the harness's own functions (lm_eval/utils.py
/// get_rolling_token_windows + make_disjoint_window, lm_eval/tasks/wikitext/preprocess_wikitext.py) and Python 3.11's
/// json.dumps / repr.
/// </summary>
public sealed class HarnessFormatTests
{
    public static TheoryData<int, int, string> Windows => new()
    {
        { 10, 4, "[0]>[1,2,3,4] [4]>[5,6,7,8] [6,7,8]>[9,10]" },
        { 3, 4, "[0]>[1,2,3]" },
        { 8, 4, "[0]>[1,2,3,4] [4]>[5,6,7,8]" },
        { 5, 1, "[0]>[1] [1]>[2] [2]>[3] [3]>[4] [4]>[5]" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void RollingWindows_AreTheHarnessDisjointWindows(int count, int maxLength, string expected)
    {
        var windows = RollingWindows.Build([.. Enumerable.Range(1, count)], prefixToken: 0, maxLength);
        string Text(RollingWindow w) => $"[{string.Join(',', w.Context)}]>[{string.Join(',', w.Continuation)}]";
        Assert.Equal(expected, string.Join(" ", windows.Select(Text)));
        // Every token is predicted exactly once, and each input fits the window.
        Assert.Equal(Enumerable.Range(1, count), windows.SelectMany(w => w.Continuation));
        Assert.All(windows, w => Assert.InRange(w.Input(maxLength).Length, w.Continuation.Length, maxLength));
    }

    [Fact]
    public void RollingWindow_Input_IsTheLastTokensLessTheLast()
    {
        var window = RollingWindows.Build([.. Enumerable.Range(1, 10)], 0, 4)[^1];
        Assert.Equal([6, 7, 8, 9], window.Input(4));
        Assert.Equal([0, 1, 2, 3], RollingWindows.Build([.. Enumerable.Range(1, 10)], 0, 4)[0].Input(4));
    }

    [Fact]
    public void Wikitext_DetokenizerAndCounts_AreTheHarnessOnes()
    {
        string page = " = Robert Boulter = \n \n Robert Boulter is an English film , television and theatre actor . He had a guest @-@ " +
                      "starring role in 2000 ; it cost 1 @,@ 000 @.@ 5 dollars ( \" Hello \" ) [ x ] { y } ' z ' at 5 \u00b0 C ! " +
                      "Boulter 's parents ' house . \n = = Career = = \n";
        Assert.Equal(" = Robert Boulter =\n\nRobert Boulter is an English film, television and theatre actor. He had a guest-starring " +
                     "role in 2000; it cost 1,000.5 dollars (\"Hello\") [x] {y} 'z' at 5\u00b0C! Boulter's parents' house.\n== Career ==\n",
            WikitextDocuments.Detokenize(page));
        Assert.Equal(66, WikitextDocuments.Words(page));
    }

    [Fact]
    public void Wikitext_Split_StartsAPageAtEachTopLevelHeading()
    {
        string text = " \r\n = A = \r\n text a \r\n = = Sub = = \r\n more \r\n = B = \r\n text b \r\n";
        Assert.Equal([" = A = \n text a \n = = Sub = = \n more ", " = B = \n text b \n"], WikitextDocuments.Split(text));
    }

    [Fact]
    public void Wikitext_SharedTestFile_Has62DocumentsOfTheHarnessSize()
    {
        var pages = WikitextDocuments.Split(File.ReadAllText(SharedData.Path("text", "wikitext-2-raw", "wiki.test.raw")));
        Assert.Equal(62, pages.Count);
        Assert.Equal(241335, pages.Sum(WikitextDocuments.Words));
        Assert.Equal(1287595, pages.Sum(p => System.Text.Encoding.UTF8.GetByteCount(p)));
    }

    [Theory]
    [InlineData(-12.345678901234567, "-12.345678901234567")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(-1.2345e-05, "-1.2345e-05")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345.6, "123456789012345.6")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(2.5e-310, "2.5e-310")]
    [InlineData(1e22, "1e+22")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(-1234.5, "-1234.5")]
    public void PythonFloat_IsRepr(double value, string expected) => Assert.Equal(expected, PythonJson.Float(value));

    [Fact]
    public void PythonJson_IsJsonDumps_IndentedAndOnOneLine()
    {
        var node = new JsonObject
        {
            ["a"] = new JsonArray(1, 2.0, new JsonObject { ["b"] = "x\"y\n\u00e9\u0001" }), ["c"] = new JsonObject(),
            ["d"] = new JsonArray(), ["e"] = null, ["f"] = true,
        };
        Assert.Equal("{\n  \"a\": [\n    1,\n    2.0,\n    {\n      \"b\": \"x\\\"y\\n\u00e9\\u0001\"\n    }\n  ],\n" +
                     "  \"c\": {},\n  \"d\": [],\n" +
                     "  \"e\": null,\n  \"f\": true\n}", PythonJson.Dumps(node, indent: 2));
        Assert.Equal("{\"a\": [1, 2.0, {\"b\": \"x\"}], \"c\": {}}",
            PythonJson.Dumps(new JsonObject { ["a"] = new JsonArray(1, 2.0, new JsonObject { ["b"] = "x" }), ["c"] = new JsonObject() }));
        Assert.Equal("[1, 2.5]", PythonJson.Dumps(JsonNode.Parse("[1, 2.5]")));
    }
}
