using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using NJsonSchema;

namespace ModelCompress.Cli.Tests;

public sealed class ConfigCommandTests : IDisposable
{
    private readonly TempFolder temp = new("mc-config-");

    [Fact]
    public void Init_WritesAStarterThatValidatesOnceItsFilesExist_AndRefusesToOverwrite()
    {
        string file = Path.Combine(temp, "pruning.yaml");
        Assert.Equal(0, CliTestData.RunInProcess("init", file).Code);
        // The starter names the files a user must provide; validate lists exactly those, then passes once they exist.
        var missing = CliTestData.RunInProcess("validate", file);
        Assert.Equal(ExitCodes.InvalidInput, missing.Code);
        Assert.Contains("3 problems in the pipeline file:", missing.Err);
        Assert.Contains("model.source: model folder 'models/base' not found", missing.Err);
        Assert.Contains("calibration.text: file 'data/calibration.txt' not found", missing.Err);
        Assert.Contains("stages[1].data: file 'data/alpaca_data_cleaned.json' not found", missing.Err);
        Directory.CreateDirectory(Path.Combine(temp, "data"));
        // A real model folder: validate checks its config and tensor headers too.
        Assert.Equal(0, CliTestData.RunInProcess("convert", "llama2c", "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", Path.Combine(temp, "models", "base")).Code);
        File.WriteAllText(Path.Combine(temp, "data", "calibration.txt"), "text");
        File.WriteAllText(Path.Combine(temp, "data", "alpaca_data_cleaned.json"), "[]");
        var (code, output, error) = CliTestData.RunInProcess("validate", file);
        Assert.True(code == 0, error);
        Assert.Equal("pruning.yaml: valid — 3 stages (prune → heal → eval), 2 gates.\n", output);
        var again = CliTestData.RunInProcess("init", file);
        Assert.Equal(ExitCodes.InvalidInput, again.Code);
        Assert.Contains("pass --force", again.Err);
    }

    [Fact]
    public void Validate_ReportsEveryProblem_ExitsTwo()
    {
        string file = Path.Combine(temp, "bad.yaml");
        File.WriteAllText(file, "name: x\nmodel: { source: m }\nstages:\n  - { id: p, type: prune, metric: reverse-order, remove: 0% }\n  - { id: e, type: evaluat }\n");
        var (code, _, error) = CliTestData.RunInProcess("validate", file, "--set", "compute.threads=-2");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("4 problems in the pipeline file:", error);
        Assert.Contains($"{file}:2:18: model.source: model folder 'm' not found", error);
        Assert.Contains($"{file}:4:5: stages[0] (prune): remove '0%' must be at least 1 layer and a percentage below 100%.", error);
        Assert.Contains($"{file}:5:20: stages[1]: unknown stage type 'evaluat'. Hint: use one of: score, prune, repair, finetune, evaluate.", error);
        Assert.Contains("compute.threads: -2 is below the minimum 0. (from --set compute.threads=-2)", error);
    }

    [Fact]
    public async Task Schema_AcceptsTheStarterAndRejectsUnknownFields()
    {
        var (code, output, _) = CliTestData.RunInProcess("schema");
        Assert.Equal(0, code);
        var schema = await JsonSchema.FromJsonAsync(output);
        var starter = PipelineConfigLoader.ToJson(StarterConfig.Text, "starter.yaml");
        Assert.Empty(schema.Validate(starter.ToJsonString()));
        starter["compute"]!["gpus"] = 8;
        starter["stages"]![0]!["type"] = "shrink";
        var errors = schema.Validate(starter.ToJsonString());
        Assert.Equal(2, errors.Count);
    }

    public void Dispose() => temp.Dispose();
}

public sealed class ReadmeReferenceTests
{
    [Fact]
    public void Readme_ContainsTheGeneratedPruningYamlReference()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        string reference = PipelineConfigLoader.ReferenceMarkdown();
        Assert.True(readme.Contains(reference, StringComparison.Ordinal),
            "README.md's pruning.yaml reference is out of date: replace it with the output of 'dotnet compress schema --markdown'.");
    }
}
