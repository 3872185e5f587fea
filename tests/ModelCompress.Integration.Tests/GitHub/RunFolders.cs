namespace ModelCompress.Integration.Tests.GitHub;

/// <summary>A finished run folder (results.json, report.md, charts) as 'run' leaves it, for the reporting tests.</summary>
public static class RunFolders
{
    public static string Create(string root, bool passed)
    {
        string dir = Path.Combine(root, $"run-{Guid.NewGuid():N}"[..12], "demo-pruned");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "report.md"), "# report\n");
        File.WriteAllText(Path.Combine(dir, "scores.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        SetVerdict(dir, passed);
        return dir;
    }

    /// <summary>Rewrites results.json: passed, or failed on the facts.acc gate.</summary>
    public static void SetVerdict(string dir, bool passed)
    {
        string facts = passed
            ? """{"metric": "facts.acc", "condition": "max_drop 0.05", "baseline": 0.93, "candidate": 0.91, "passed": true, "detail": "dropped 0.02"}"""
            : """{"metric": "facts.acc", "condition": "max_drop 0.01", "baseline": 0.93, "candidate": 0.91, "passed": false, "detail": "dropped 0.02 > 0.01"}""";
        File.WriteAllText(Path.Combine(dir, "results.json"), $$"""
            {
              "name": "demo-pruned", "verdict": "{{(passed ? "passed" : "failed")}}",
              "baseline": { "facts.acc": 0.93, "heldout.word_perplexity": 3.62 },
              "candidate": { "facts.acc": 0.91, "heldout.word_perplexity": 3.34 },
              "gates": [
                { "metric": "heldout.word_perplexity", "condition": "max_relative_drop 10%", "baseline": 3.62, "candidate": 3.34, "passed": true, "detail": "improved" },
                {{facts}}
              ],
              "pruning": [ { "method": "angular", "removed_layers": [5, 6], "layers_before": 8, "layers_after": 6, "parameters_before": 120000, "parameters_after": 100000 } ]
            }
            """);
    }
}
