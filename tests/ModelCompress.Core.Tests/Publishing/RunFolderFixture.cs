namespace ModelCompress.Core.Tests.Publishing;

/// <summary>A run folder with a fixed results.json and report.md, as 'run' writes them, for the reporting tests.</summary>
internal static class RunFolderFixture
{
    public static string Create(bool passed, bool charts = true)
    {
        string dir = Directory.CreateTempSubdirectory("mc-report-").FullName;
        string gate2 = passed
            ? """{"metric":"facts.acc","condition":"max_drop 0.05","baseline":0.93,"candidate":0.9123456,"passed":true,"detail":"dropped 0.0177"}"""
            : """{"metric":"facts.acc","condition":"max_drop 0.01","baseline":0.93,"candidate":0.9123456,"passed":false,"detail":"dropped 0.0177 > 0.01 | by 0.0077"}""";
        File.WriteAllText(Path.Combine(dir, "results.json"), $$"""
            {
              "name": "demo-pruned",
              "verdict": "{{(passed ? "passed" : "failed")}}",
              "baseline": { "facts.acc": 0.93, "heldout.word_perplexity": 3.62 },
              "candidate": { "facts.acc": 0.9123456, "heldout.word_perplexity": 3.34, "new.metric": 1 },
              "gates": [
                {"metric":"heldout.word_perplexity","condition":"max_relative_drop 10%","baseline":3.62,"candidate":3.34,"passed":true,"detail":"improved"},
                {{gate2}}
              ],
              "pruning": [ {"method":"angular","removed_layers":[5,6],"layers_before":8,"layers_after":6,"parameters_before":120000,"parameters_after":100000} ]
            }
            """);
        File.WriteAllText(Path.Combine(dir, "report.md"), "# report\n");
        if (charts)
        {
            File.WriteAllText(Path.Combine(dir, "scores.svg"), "<svg/>");
            File.WriteAllText(Path.Combine(dir, "tasks.svg"), "<svg/>");
        }
        return dir;
    }
}
