using System.Text.RegularExpressions;

namespace ModelCompress.Core.Tests.Publishing;

/// <summary>A run folder's results.json has one reader, <c>RunFolder.Read</c>; everything else works from its RunSummary.</summary>
public sealed partial class RunFolderReadersTests
{
    private const string Reader = "ModelCompress.Core/Pipeline/RunFolder.Results.cs";

    // Parsers of JSON that is not a run folder's results.json, though shaped like it or named like it: an evaluate stage's
    // lm-evaluation-harness results.json, and the tool's --json output, which the MSBuild task reads out of process.
    private static readonly string[] OtherFiles = ["ModelCompress.Core/Pipeline/EvaluationArtifact.cs", "ModelCompress.MSBuild/CompressModel.cs"];

    [Fact]
    public void Src_ParsesTheRunResultsOnlyInRunFolder()
    {
        var parsers = SourceFiles().Where(f => ParsesRunResults(File.ReadAllText(Path.Combine(Src, f)))).ToList();
        Assert.Contains(Reader, parsers);
        Assert.Equal([Reader], parsers.Except(OtherFiles));
    }

    [Theory]
    [InlineData("""var r = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")))!;""")]
    [InlineData("""var r = JsonNode.Parse(text)!; bool passed = r["verdict"]?.GetValue<string>() == "passed";""")]
    [InlineData("""var gates = JsonNode.Parse(text)?["gates"]!.AsArray();""")]
    [InlineData("""string text = File.ReadAllText(Path.Combine(dir, "results.json")); var name = JsonNode.Parse(text)!["name"];""")]
    [InlineData("""using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunFolder.ResultsFile)));""")]
    [InlineData("""var run = JsonSerializer.Deserialize<Run>(json); string v = doc.RootElement.GetProperty("verdict").GetString();""")]
    public void Detector_FindsAStringKeyedReader(string code) => Assert.True(ParsesRunResults(code));

    [Theory]
    [InlineData("""var run = RunFolder.Read(dir); if (run.Passed) Publish(run);""")]
    [InlineData("""md.Append("[results.json](u/results.json)"); var pointer = new JsonObject { ["verdict"] = "passed" };""")]
    [InlineData("/// <summary>Reads results.json.</summary>\nvar payload = JsonNode.Parse(body);")]
    [InlineData("""report.WriteJson(Path.Combine(output, EvaluationArtifact.ResultsFile)); var s = JsonNode.Parse(scores);""")]
    [InlineData("""if (File.Exists(Path.Combine(dir, RunFolder.ResultsFile))) { var latest = JsonNode.Parse(text)?["finished"]; }""")]
    public void Detector_IgnoresWhatIsNotAReader(string code) => Assert.False(ParsesRunResults(code));

    /// <summary>
    /// True when <paramref name="source"/> parses JSON and either reads the run's results file (by name or constant, in the
    /// statement that parses or reads it) or reads one of its keys.
    /// </summary>
    internal static bool ParsesRunResults(string source)
    {
        string code = string.Join('\n', source.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        return ParseCall().IsMatch(code) && (ReadsResultsFile().IsMatch(code) || ReadsResultsKey().IsMatch(code));
    }

    private static string Src => Path.Combine(RepoPaths.Root, "src");

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Src, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"));

    private const string ParseApi = @"JsonNode\.Parse|JsonDocument\.Parse(Async)?|JsonSerializer\.Deserialize(Async)?|JsonInput\.\w+";

    [GeneratedRegex(ParseApi)]
    private static partial Regex ParseCall();

    // A parse or a file read whose statement names the run's results file ("results.json" or a ResultsFile constant other
    // than the evaluation stage's).
    [GeneratedRegex($@"({ParseApi}|File\.(ReadAllText|ReadAllBytes|OpenRead|ReadAllTextAsync|ReadAllBytesAsync))\s*(<[^>]*>)?\(" +
                    @"[^;]*(""results\.json""|(?<!EvaluationArtifact\.)\bResultsFile\b)")]
    private static partial Regex ReadsResultsFile();

    // One of results.json's keys read (not written: ["verdict"] = … builds another document).
    [GeneratedRegex(@"\[""(verdict|gates|pruning|baseline|candidate|deltas)""\]\s*[?!.)]|GetProperty\(""(verdict|gates|pruning)""\)")]
    private static partial Regex ReadsResultsKey();
}
