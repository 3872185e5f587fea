using ModelCompress.Core.Evaluation.Benchmarks;
using ModelCompress.Core.Evaluation;

namespace ModelCompress.Core.Tests.Evaluation;

public sealed class BenchmarkReaderTests
{
    private static string Eval => SharedData.Path("eval");

    [Fact]
    public void WinoGrande_PartialScoring_FillsBlankInContextsAndSharesTheRest()
    {
        var item = WinoGrandeReader.Partial("w", "Sarah was a much better surgeon than Maria so _ always got the easier cases.", ["Sarah", "Maria"], 1);
        Assert.Equal(new ChoiceRequest("Sarah was a much better surgeon than Maria so Sarah", " always got the easier cases."), item.Requests[0]);
        Assert.Equal(new ChoiceRequest("Sarah was a much better surgeon than Maria so Maria", " always got the easier cases."), item.Requests[1]);
    }

    [Fact]
    public void WinoGrande_RealFile_GoldFromLabelsFile()
    {
        var items = WinoGrandeReader.Read(Path.Combine(Eval, "winogrande", "dev.jsonl"), Path.Combine(Eval, "winogrande", "dev-labels.lst"), 2);
        Assert.Equal(new[] { 1, 0 }, items.Select(i => i.Gold)); // answers "2", "1"
    }

    [Fact]
    public void Mmlu_FewShotPrompt_IsDescriptionThenDevExamplesInFileOrder()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["test"]);
        Directory.CreateDirectory(temp["dev"]);
        File.WriteAllText(Path.Combine(temp["test"], "high_school_math_test.csv"), "question,choice0,choice1,choice2,choice3,answer\n\" What is 1+1? \",1,2,3,4,1\n");
        File.WriteAllText(Path.Combine(temp["dev"], "high_school_math_dev.csv"), "\"2+2, \"\"again\"\"\",4,5,6,7,0\n3+3,5,6,7,8,1\n9+9,1,1,1,1,3\n");
        var item = Assert.Single(MmluReader.Read(temp.Path, shots: 2, limit: null));
        const string expected = "The following are multiple choice questions (with answers) about high school math.\n\n" +
            "2+2, \"again\"\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer: A\n\n" +
            "3+3\nA. 5\nB. 6\nC. 7\nD. 8\nAnswer: B\n\n" +
            "What is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:";
        Assert.Equal(expected, item.Requests[0].Context);
        Assert.Equal(new[] { " A", " B", " C", " D" }, item.Requests.Select(r => r.Continuation));
        Assert.Equal(1, item.Gold);
    }

    [Fact]
    public void MmluCategories_CoverEverySubjectOfTheRealData_AsTheHarnessGroupsThem()
    {
        var subjects = Directory.GetFiles(Path.Combine(Eval, "mmlu", "test"), "*_test.csv").Select(f => Path.GetFileName(f)[..^"_test.csv".Length]).ToList();
        Assert.Equal(57, subjects.Count);
        Assert.Equal(57, MmluCategories.SubjectCount);
        Assert.All(subjects, s => Assert.NotNull(MmluCategories.Of(s)));
        Assert.Equal([("humanities", 13), ("other", 13), ("social_sciences", 12), ("stem", 19)],
            subjects.GroupBy(s => MmluCategories.Of(s)!).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal));
        Assert.Equal("stem", MmluCategories.OfItem("abstract_algebra/0"));
        Assert.Equal("humanities", MmluCategories.OfItem("professional_law/12"));
        Assert.Null(MmluCategories.Of("astrology"));
    }

    [Fact]
    public void Mmlu_RealData_ZeroShotLimitPerSubject()
    {
        var items = MmluReader.Read(Path.Combine(Eval, "mmlu"), 0, limit: 2);
        Assert.Equal(57 * 2, items.Count);
        Assert.StartsWith("The following are multiple choice questions (with answers) about abstract algebra.\n\nFind the degree", items[0].Requests[0].Context);
    }

    [Fact]
    public void HellaSwag_Bz2TextForm_ReadsSixLineItems()
    {
        var items = HellaSwagReader.Read(Path.Combine(Eval, "hellaswag", "hellaswag_val_full.txt.bz2"), 2);
        Assert.Equal("Roof shingle removal: A man is sitting on a roof. he", items[0].Requests[0].Context);
        Assert.Equal(" is using wrap to wrap a pair of skis.", items[0].Requests[0].Continuation);
        Assert.Equal(new[] { 3, 3 }, items.Select(i => i.Gold));
    }

    [Fact]
    public void HellaSwag_OriginalJsonl_CleanedAsHarness()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["h.jsonl"], """{"ind": 4, "activity_label": "Home", "ctx_a": "A man [step] talks.", "ctx_b": "HE then", "endings": ["goes [title] away.", "b", "c", "d"], "label": 2}""" + "\n");
        var item = Assert.Single(HellaSwagReader.Read(temp["h.jsonl"], null));
        Assert.Equal("Home: A man talks. He then", item.Requests[0].Context);
        Assert.Equal(" goes. away.", item.Requests[0].Continuation);
        Assert.Equal(2, item.Gold);
    }

    [Theory]
    [InlineData("arc_easy", 2376)]
    [InlineData("arc_challenge", 1172)]
    [InlineData("piqa", 1838)]
    [InlineData("openbookqa", 500)]
    [InlineData("boolq", 3270)]
    [InlineData("winogrande", 1267)]
    public void BuiltInTasks_ReadAllRecords(string task, int count) =>
        Assert.Equal(count, TaskRegistry.Resolve(task).Load(new TaskLoadOptions(Eval)).Count);

    [Fact]
    public void Arc_PromptAndNumericLabels()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["a.jsonl"], """{"id":"x","question":{"stem":"Why?","choices":[{"text":"yes","label":"1"},{"text":"no","label":"2"}]},"answerKey":"2"}""" + "\n");
        var item = Assert.Single(ArcReader.ReadArc(temp["a.jsonl"], null));
        Assert.Equal(new ChoiceRequest("Question: Why?\nAnswer:", " no"), item.Requests[1]);
        Assert.Equal(1, item.Gold);
    }

    [Fact]
    public void MissingField_NamesFileAndLine()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["p.jsonl"], "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n\n{\"goal\":\"g\",\"sol1\":\"a\"}\n");
        File.WriteAllText(temp["l.lst"], "0\n1\n");
        var e = Assert.Throws<EvaluationDataException>(() => PiqaReader.Read(temp["p.jsonl"], temp["l.lst"], null));
        Assert.Equal($"{temp["p.jsonl"]}:3: missing field 'sol2'.", e.Message);
    }

    [Fact]
    public void LabelOutOfRange_NamesLabelsFileAndLine()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["p.jsonl"], "{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n{\"goal\":\"g\",\"sol1\":\"a\",\"sol2\":\"b\"}\n");
        File.WriteAllText(temp["l.lst"], "0\n2\n");
        var e = Assert.Throws<EvaluationDataException>(() => PiqaReader.Read(temp["p.jsonl"], temp["l.lst"], null));
        Assert.Equal((temp["l.lst"], 2), (e.FilePath, e.Line));
        Assert.Contains("label '2' is out of range for 2 choices", e.Message);
    }

    [Fact]
    public void BadJson_NamesLine()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["b.jsonl"], "{\"passage\":\"p\",\"question\":\"q\",\"label\":true}\n{not json\n");
        var e = Assert.Throws<EvaluationDataException>(() => BoolQReader.Read(temp["b.jsonl"], null));
        Assert.StartsWith($"{temp["b.jsonl"]}:2: not valid JSON", e.Message);
    }

    [Fact]
    public void UnknownTask_ListsKnownTasks()
    {
        var e = Assert.Throws<EvaluationDataException>(() => TaskRegistry.Resolve("arc_medium"));
        Assert.Contains("unknown task 'arc_medium'", e.Message);
        Assert.Contains("hellaswag", e.Message);
    }

    [Fact]
    public void GenericTask_AppliesTemplateSeparatorAndMetrics()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["task.json"], """{"name": "capitals", "data": "items.jsonl", "template": "Q: {context}\nA:", "separator": " ", "metrics": ["acc"]}""");
        File.WriteAllText(temp["items.jsonl"], """{"context": "Capital of France?", "choices": ["Paris", "Rome"], "gold": 0}""" + "\n" +
                                               """{"context": "Capital of Italy?", "choices": ["Paris", "Rome"], "gold": 5}""" + "\n");
        var task = TaskRegistry.Resolve(temp["task.json"]);
        Assert.Equal("capitals", task.Name);
        Assert.Equal(new[] { ChoiceMetric.Acc }, task.Metrics);
        var items = task.Load(new TaskLoadOptions(temp.Path, Limit: 1));
        Assert.Equal(new ChoiceRequest("Q: Capital of France?\nA:", " Paris"), items[0].Requests[0]);
        var e = Assert.Throws<EvaluationDataException>(() => task.Load(new TaskLoadOptions(temp.Path)));
        Assert.Equal($"{temp["items.jsonl"]}:2: label '5' is out of range for 2 choices.", e.Message);
    }
}
