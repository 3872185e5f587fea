using ModelCompress.Core.Evaluation;
using ModelCompress.Core.Evaluation.Generative;

namespace ModelCompress.Core.Tests.Evaluation.Generative;

public sealed class GenerativeTaskReaderTests : IDisposable
{
    private readonly TempFolder temp = new("mc-gentask-");

    [Fact]
    public void TaskFile_WithGenerateUntil_ResolvesToAGenerativeTask_WithItsFiltersAndOptions()
    {
        File.WriteAllLines(temp["sums.jsonl"],
            ["""{"context": "2 + 3", "target": "5"}""", """{"context": "1 + 1", "target": "2", "id": "b"}"""]);
        File.WriteAllText(temp["sums.json"], """
            { "name": "sums", "output_type": "generate_until", "data": "sums.jsonl", "template": "Q: {context}\nA:",
              "until": ["\n"], "max_gen_toks": 32,
              "filters": [{ "name": "number", "regex": "(-?[0-9]+)", "group_select": -1 }],
              "exact_match": { "ignore_case": true, "regexes_to_ignore": [","] } }
            """);

        var task = TaskRegistry.ResolveGenerative(temp["sums.json"])!;

        Assert.Equal(("sums", 32), (task.Name, task.MaxGenToks));
        Assert.Equal(["\n"], task.Until);
        var filter = Assert.Single(task.Filters);
        Assert.Equal(("number", -1, "[invalid]"), (filter.Name, filter.GroupSelect, filter.Fallback));
        Assert.Equal(new ExactMatchOptions(true, false, [","]).RegexesToIgnore, task.Match.RegexesToIgnore);
        Assert.True(task.Match.IgnoreCase);
        var items = task.Load(new TaskLoadOptions(temp));
        Assert.Equal(["Q: 2 + 3\nA:", "Q: 1 + 1\nA:"], items.Select(i => i.Context));
        Assert.Equal(["0", "b"], items.Select(i => i.Id));
        Assert.Equal("12", filter.Apply(" 1,0 then 12"));
        Assert.Null(TaskRegistry.ResolveLoglikelihood(temp["sums.json"]));
    }

    [Fact]
    public void TaskFile_WithoutFilters_UsesTheWholeResponse_AndAMultipleChoiceFileIsNotGenerative()
    {
        File.WriteAllText(temp["plain.json"], """{ "name": "plain", "output_type": "generate_until", "data": "x.jsonl" }""");
        File.WriteAllText(temp["mc.json"], """{ "name": "mc", "data": "x.jsonl" }""");
        var task = TaskRegistry.ResolveGenerative(temp["plain.json"])!;
        Assert.Equal([AnswerFilter.None], task.Filters);
        Assert.Equal(GenerativeTaskDefinition.DefaultMaxGenToks, task.MaxGenToks);
        Assert.Equal(" the whole text ", AnswerFilter.None.Apply(" the whole text "));
        Assert.Null(TaskRegistry.ResolveGenerative(temp["mc.json"]));
        Assert.NotNull(TaskRegistry.ResolveGenerative("gsm8k"));
    }

    [Theory]
    [InlineData("\"max_gen_toks\": 0", "max_gen_toks")]
    [InlineData("\"filters\": [{ \"name\": \"x\", \"regex\": \"(\" }]", "filters[0].regex")]
    [InlineData("\"until\": \"Q:\"", "until")]
    public void TaskFile_BadField_NamesTheFieldAndTheFile(string field, string named)
    {
        File.WriteAllText(temp["bad.json"], $$"""{ "name": "bad", "output_type": "generate_until", "data": "x.jsonl", {{field}} }""");
        var e = Assert.Throws<EvaluationDataException>(() => TaskRegistry.ResolveGenerative(temp["bad.json"]));
        Assert.Contains(named, e.Message);
        Assert.Contains("bad.json", e.Message);
    }

    public void Dispose() => temp.Dispose();
}
