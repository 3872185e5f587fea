namespace ModelCompress.Cli.Tests.Robustness;

/// <summary>
/// Every class of malformed input, in every verb that reads it, exits 2 with a message naming the file and the problem;
/// exit 1 is for bugs only.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MalformedInputTests : IDisposable
{
    private readonly TempFolder temp = new("mc-bad-");
    private readonly BadInputs inputs;
    private readonly string task, text;

    public MalformedInputTests()
    {
        inputs = new BadInputs(temp);
        File.WriteAllText(Path.Combine(temp, "items.jsonl"), """{"context": "Once upon a", "choices": ["time", "dog"], "gold": 0}""" + "\n");
        task = Path.Combine(temp, "story.json");
        File.WriteAllText(task, """{"name": "story", "data": "items.jsonl"}""");
        text = Path.Combine(temp, "heal.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("Once upon a time, there was a little girl named Lily. ", 40)));
    }

    private string Pipeline(string model, string name, string? taskFile = null)
    {
        string file = Path.Combine(temp, $"{name}.yaml");
        File.WriteAllText(file, $"""
            name: {name}
            model:
              source: {model}
            compute:
              device: cpu
            stages:
              - id: prune
                type: prune
                metric: reverse-order
                remove: 1
              - id: eval
                type: evaluate
                tasks: [{taskFile ?? task}]
            """);
        return file;
    }

    /// <summary>Each verb's command line reading <paramref name="model"/>; <paramref name="headersOnly"/> marks verbs that never read weights.</summary>
    private IEnumerable<(string Verb, string[] Args, bool HeadersOnly)> Verbs(string model, string name)
    {
        string Out(string verb) => Path.Combine(temp, "out", name, verb);
        yield return ("generate", ["generate", "--model", model, "--prompt", "Once", "--max-new-tokens", "1", "--device", "cpu"], false);
        yield return ("score", ["score", "--model", model, "--metric", "magnitude-l1", "--device", "cpu"], false);
        yield return ("prune", ["prune", "--model", model, "--out", Out("prune"), "--layers", "1"], true);
        yield return ("eval", ["eval", "--model", model, "--tasks", task, "--device", "cpu"], false);
        yield return ("finetune", ["finetune", "--model", model, "--out", Out("finetune"), "--method", "partial", "--data", text,
            "--format", "text", "--epochs", "1", "--batch-size", "4", "--micro-batch-size", "4", "--max-len", "32", "--val-size", "0",
            "--warmup-steps", "0", "--lr", "1e-3", "--device", "cpu"], false);
        string pipeline = Pipeline(model, name);
        yield return ("run", ["run", pipeline, "--out", Out("run")], false);
        yield return ("validate", ["validate", pipeline], true);
        yield return ("plan", ["plan", pipeline, "--out", Out("plan")], true);
    }

    [Fact]
    public void BrokenModelFolders_ExitTwo_NamingTheFolderAndTheProblem_InEveryVerb()
    {
        var failures = new List<string>();
        int cases = 0;
        foreach (var (name, folder, expect) in inputs.ModelClasses())
            foreach (var (verb, args, headersOnly) in Verbs(folder, name))
            {
                if (name == "weights-nan" && headersOnly) continue; // weights are not read: nothing to detect
                cases++;
                var (code, _, error) = CliTestData.RunInProcess(args);
                if (code != ExitCodes.InvalidInput || !error.Contains(expect) || !error.Contains(name) || error.Contains("unexpected error"))
                    failures.Add($"{name} / {verb}: exit {code}\n{error.Trim()}");
            }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases:\n" + string.Join("\n---\n", failures));
        Assert.Equal(85, cases);
    }

    [Fact]
    public void TheGoodFolder_PassesEveryVerb()
    {
        foreach (var (verb, args, _) in Verbs(inputs.Good, "good"))
        {
            var (code, _, error) = CliTestData.RunInProcess(args);
            Assert.True(code == 0, $"{verb}: exit {code}\n{error}");
        }
    }

    [Theory]
    [InlineData("empty", "", "holds no items")]
    [InlineData("blank", "\n  \n", "holds no items")]
    [InlineData("latin1", "{\"context\": \"caf\xE9\", \"choices\": [\"a\", \"b\"], \"gold\": 0}\n", "not UTF-8")]
    public void BadTaskFiles_ExitTwo_InEvalAndRun(string name, string content, string expect)
    {
        string data = Path.Combine(temp, $"{name}.jsonl");
        File.WriteAllBytes(data, content.Select(c => (byte)c).ToArray()); // raw bytes: \xE9 alone is not UTF-8
        string taskFile = Path.Combine(temp, $"{name}-task.json");
        File.WriteAllText(taskFile, $$"""{"name": "{{name}}", "data": "{{name}}.jsonl"}""");
        var eval = CliTestData.RunInProcess("eval", "--model", inputs.Good, "--tasks", taskFile, "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, eval.Code);
        Assert.Contains($"{data}: ", eval.Err);
        Assert.Contains(expect, eval.Err);
        var run = CliTestData.RunInProcess("run", Pipeline(inputs.Good, $"task-{name}", taskFile), "--out", Path.Combine(temp, "runs"));
        Assert.Equal(ExitCodes.InvalidInput, run.Code);
        Assert.Contains(expect, run.Err);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("latin1", "caf\xE9 au lait")]
    public void BadTextFiles_ExitTwo_ForCalibrationAndTraining(string name, string content)
    {
        string file = Path.Combine(temp, $"{name}.txt");
        File.WriteAllBytes(file, content.Select(c => (byte)c).ToArray());
        var score = CliTestData.RunInProcess("score", "--model", inputs.Good, "--metric", "block-influence", "--calibration", file, "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, score.Code);
        Assert.Contains($"{file}: the calibration text is", score.Err);
        var heal = CliTestData.RunInProcess("finetune", "--model", inputs.Good, "--out", Path.Combine(temp, $"heal-{name}"), "--data", file,
            "--format", "text", "--device", "cpu");
        Assert.Equal(ExitCodes.InvalidInput, heal.Code);
        Assert.Contains($"{file}: the training text is", heal.Err);
    }

    [Theory]
    [InlineData("generate --prompt hi --temperature -1", "--temperature must be 0 (greedy) or a positive number (got -1)")]
    [InlineData("eval --tasks arc_easy --limit abc", "error: --limit: 'abc' is not a whole number.")]
    public void BadOptionValues_ExitTwo_InWords(string command, string expect)
    {
        string[] words = command.Split(' ');
        var (code, _, error) = CliTestData.RunInProcess([words[0], "--model", inputs.Good, .. words[1..]]);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains(expect, error);
        Assert.DoesNotContain("System.", error);
    }

    [Fact]
    public void MisspeltVerb_GetsOneErrorWithASuggestion()
    {
        var (code, _, error) = CliTestData.RunInProcess("valdiate", "pruning.yaml");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.StartsWith("error: unknown verb 'valdiate'. Did you mean 'validate'?", error);
        Assert.Single(error.Split('\n'), l => l.StartsWith("error:"));
    }

    [Theory]
    [InlineData("name: x\nmodel: { source: [x\n", "", ":3:1: not valid YAML")]
    [InlineData("name: x\nmodel:\n\tsource: x\nstages: []\n", "", ":3:1: a tab is used for indentation")]
    [InlineData("name: x\nmodel:\n  source: good\nstages: []\n", "compute.bogus=1", "compute.bogus: unknown field 'bogus' in compute. (from --set compute.bogus=1)")]
    [InlineData("name: x\nmodel:\n  source: good\nstages: []\n", "model.source=[x", "--set model.source=[x: the value is not valid YAML")]
    public void BadPipelineFiles_ExitTwo_AtTheRightPlace(string yaml, string set, string expect)
    {
        string file = Path.Combine(temp, "pipeline.yaml");
        File.WriteAllText(file, yaml);
        foreach (string verb in new[] { "validate", "plan", "run" })
        {
            string[] args = set.Length > 0 ? [verb, file, "--set", set] : [verb, file];
            var (code, _, error) = CliTestData.RunInProcess([.. args, .. verb == "validate" ? Array.Empty<string>() : ["--out", Path.Combine(temp, "runs")]]);
            Assert.True(code == ExitCodes.InvalidInput, $"{verb}: exit {code}\n{error}");
            Assert.Contains(expect, error);
        }
    }

    public void Dispose() => temp.Dispose();
}
