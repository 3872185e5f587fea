using ModelCompress.Core.Data;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>Dataset readers on small hand-written fixtures (Alpaca, Dolly and prompt/completion JSONL).</summary>
public sealed class DatasetTests : IDisposable
{
    private readonly TempFolder temp = new();

    private string Write(string name, string text)
    {
        File.WriteAllText(temp[name], text);
        return temp[name];
    }

    [Fact]
    public void Alpaca_ReadsRecordsWithTheirLines()
    {
        string path = Write("a.json", "[\n {\"instruction\": \"Add.\", \"input\": \"1+1\", \"output\": \"2\"},\n\n {\"instruction\": \"Hi\", \"output\": \"Hello\"}\n]");
        var records = InstructionDatasetReader.Read(path, DataFormat.Alpaca);
        Assert.Equal([new InstructionRecord("Add.", "1+1", "2", 2), new InstructionRecord("Hi", "", "Hello", 4)], records);
    }

    [Fact]
    public void Dolly_AndJsonl_MapTheirFields()
    {
        string dolly = Write("d.jsonl", "{\"instruction\":\"Q\",\"context\":\"C\",\"response\":\"R\",\"category\":\"x\"}\n\n{\"instruction\":\"Q2\",\"response\":\"R2\"}\n");
        Assert.Equal([new InstructionRecord("Q", "C", "R", 1), new InstructionRecord("Q2", "", "R2", 3)], InstructionDatasetReader.Read(dolly, DataFormat.Dolly));
        string jsonl = Write("p.jsonl", "{\"prompt\":\"P\",\"completion\":\" done\"}\n");
        Assert.Equal([new InstructionRecord("P", "", " done", 1)], InstructionDatasetReader.Read(jsonl, DataFormat.Jsonl));
    }

    [Theory]
    [InlineData("{\"instruction\":\"Q\"}", "d.jsonl:1: record lacks the string field 'response'")]
    [InlineData("{\"instruction\":\"Q\",\"response\":\"R\"}\n{\"instruction\":\"Q\",\"response\":\"   \"}", "d.jsonl:2: field 'response' is empty")]
    [InlineData("{\"instruction\":\"Q\",\"response\":\"R\"}\n{oops", "d.jsonl:2: not valid JSON")]
    [InlineData("{\"instruction\":[1],\"response\":\"R\"}", "d.jsonl:1: field 'instruction' must be a string, not array")]
    public void Dolly_BadRecord_NamesFileLineAndField(string text, string expected)
    {
        string path = Write("d.jsonl", text);
        var e = Assert.Throws<DatasetException>(() => InstructionDatasetReader.Read(path, DataFormat.Dolly));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Alpaca_NotAnArray_IsRejected()
    {
        string path = Write("a.json", "{\"instruction\": \"x\"}");
        Assert.Throws<DatasetException>(() => InstructionDatasetReader.Read(path, DataFormat.Alpaca));
    }

    [Fact]
    public void Examples_MaskThePrompt_AppendEos_CutAtMaxLength()
    {
        var tokenizer = SentencePieceTokenizer.Load(SharedData.Tok512);
        var record = new InstructionRecord("Tell a story.", "", "Once upon a time.", 1);
        var example = TrainingExamples.FromRecords([record], PromptTemplateKind.Alpaca, tokenizer, 256).Single();
        string prompt = PromptTemplate.Prompt(PromptTemplateKind.Alpaca, record);
        Assert.Equal(tokenizer.Encode(prompt, addBos: true).Count, example.PromptLength);
        Assert.Equal(tokenizer.EosId, example.Ids[^1]);
        Assert.Equal(tokenizer.BosId, example.Ids[0]);
        Assert.Contains("Once upon a time.", tokenizer.Decode(example.Ids.Skip(example.PromptLength)));

        var cut = TrainingExamples.FromRecords([record], PromptTemplateKind.Alpaca, tokenizer, example.PromptLength + 2).Single();
        Assert.Equal(example.PromptLength + 2, cut.Ids.Length);
        Assert.NotEqual(tokenizer.EosId, cut.Ids[^1]);
        Assert.Empty(TrainingExamples.FromRecords([record], PromptTemplateKind.Alpaca, tokenizer, example.PromptLength));
    }

    public void Dispose() => temp.Dispose();
}
