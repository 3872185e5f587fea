namespace ModelCompress.Cli.Tests;

/// <summary>Argument and input errors of <c>dotnet compress publish</c>; publishing itself is tested against Azurite.</summary>
public sealed class PublishCommandTests : IDisposable
{
    private readonly TempFolder temp = new("mc-publish-cli-");

    [Fact]
    public void Publish_WithoutTarget_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("publish", temp);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("--target", error);
    }

    [Fact]
    public void Publish_FolderWithoutResults_ExitsTwo()
    {
        var (code, _, error) = CliTestData.RunInProcess("publish", temp, "--target", "az://myaccount/models");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("results.json is missing", error);
    }

    [Fact]
    public void Publish_MalformedTarget_ExitsTwo_WithoutPrintingTheSignature()
    {
        File.WriteAllText(Path.Combine(temp, "results.json"), """{"name": "x", "verdict": "passed"}""");
        var (code, _, error) = CliTestData.RunInProcess("publish", temp, "--target", "https://myaccount.blob.core.windows.net/?sig=TOPSECRET");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.DoesNotContain("TOPSECRET", error);
    }

    [Fact]
    public void Publish_PullRequestWithoutRepository_ExitsTwo()
    {
        File.WriteAllText(Path.Combine(temp, "results.json"), """{"name": "x", "verdict": "passed"}""");
        var (code, _, error) = CliTestData.RunInProcess(_ => null, "publish", temp, "--github-pr", "3");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("need --github-repo OWNER/NAME", error);
    }

    [Fact]
    public void Publish_RepositoryWithoutToken_ExitsTwo_BeforeAnyUpload()
    {
        File.WriteAllText(Path.Combine(temp, "results.json"), """{"name": "x", "verdict": "passed"}""");
        var (code, _, error) = CliTestData.RunInProcess(_ => null, "publish", temp, "--github-repo", "me/models", "--github-pr", "3", "--github-sha", new string('a', 40));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("needs a token in GITHUB_TOKEN", error);
    }

    [Fact]
    public void Publish_FailedRunInAzurePipelines_LogsAnErrorPerFailedGateAndUploadsTheSummary_ExitsThree()
    {
        File.WriteAllText(Path.Combine(temp, "results.json"), """
            {"name": "x", "verdict": "failed", "gates": [
              {"metric": "ppl", "condition": "max 5", "passed": false, "detail": "5.5 > 5; 10% over"},
              {"metric": "acc", "condition": "min 0.5", "passed": true, "detail": "ok"}]}
            """);
        File.WriteAllText(Path.Combine(temp, "report.md"), "# FAILED\n");
        var (code, output, error) = CliTestData.RunInProcess(name => name == "TF_BUILD" ? "True" : null, "publish", temp, "--target", "az://myaccount/models");
        Assert.Equal(ExitCodes.GateFailed, code);
        Assert.Equal($"FAILED: {temp} did not pass its quality gates; nothing was published.\n", output.ReplaceLineEndings("\n"));
        Assert.Equal(
            "##vso[task.logissue type=error]x: quality gate ppl max 5 failed: 5.5 > 5%3B 10%AZP25 over\n" +
            $"##vso[task.uploadsummary]{Path.Combine(temp, "report.md")}\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Publish_ErrorInAzurePipelines_IsAlsoALoggedErrorIssue()
    {
        var (code, _, error) = CliTestData.RunInProcess(name => name == "TF_BUILD" ? "True" : null, "publish", temp, "--github-pr", "3");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.EndsWith("##vso[task.logissue type=error]--github-pr and --github-sha need --github-repo OWNER/NAME (or the GitHub Actions environment).\n",
            error.ReplaceLineEndings("\n"));
    }

    public void Dispose() => temp.Dispose();
}

public sealed class PlanReviewTests
{
    private static string Plan(Func<string, string?> environment, params string[] extra)
    {
        var (code, output, error) = CliTestData.RunInProcess(environment, ["plan", Path.Combine(RepoPaths.Root, "pruning.yaml"), .. extra]);
        Assert.True(code == 0, error);
        // The block before the last: gates, publish, review (the cache line follows after a blank line).
        return output.ReplaceLineEndings("\n").Split("\n\n")[^2].TrimEnd('\n') + "\n";
    }

    [Fact]
    public void Plan_OnADeveloperMachine_SaysNothingIsReported()
    {
        Assert.Equal(
            "gates:    4 on facts.acc, heldout.word_perplexity, average.acc, parameters\n" +
            "publish:  none (a passed run stays in the run folder)\n" +
            "review:   none (not a GitHub Actions run; pass --github-repo/--github-pr/--github-sha to report)\n", Plan(_ => null));
    }

    [Fact]
    public void Plan_NamesThePullRequestAndTheAzurePipelinesCommands()
    {
        string review = Plan(name => name switch { "GITHUB_TOKEN" => "t", "TF_BUILD" => "True", _ => null },
            "--github-repo", "me/models", "--github-pr", "3", "--github-sha", "0123456789abcdef0123456789abcdef01234567", "--github-api-url", "https://ghe.example/api/v3");
        Assert.EndsWith(
            "review:   GitHub me/models#3@0123456 via https://ghe.example/api/v3: comment, check run\n" +
            "          Azure Pipelines: failed gates and errors as logged issues, report.md as the build summary\n", review);
    }

    [Fact]
    public void Plan_InAnAzureReposPullRequestBuild_NamesTheThread_OrWhyThereIsNone()
    {
        var env = new Dictionary<string, string>
        {
            ["TF_BUILD"] = "True", ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso/", ["SYSTEM_TEAMPROJECT"] = "ml",
            ["BUILD_REPOSITORY_ID"] = "repo-id", ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "12", ["SYSTEM_ACCESSTOKEN"] = "secret",
        };
        string review = Plan(name => env.GetValueOrDefault(name));
        Assert.EndsWith("          Azure Repos: one thread on https://dev.azure.com/contoso/ml pull request 12 (repository repo-id) " +
                        "(edited on re-runs)\n", review);
        Assert.DoesNotContain("secret", review);

        env.Remove("SYSTEM_ACCESSTOKEN");
        Assert.Contains("Azure Repos: none: commenting on pull request 12 needs the job's token: add env: SYSTEM_ACCESSTOKEN",
            Plan(name => env.GetValueOrDefault(name)));
    }

    [Fact]
    public void Plan_InActionsWithoutAToken_SaysWhyNothingWillBeReported()
    {
        string review = Plan(name => name switch { "GITHUB_ACTIONS" => "true", "GITHUB_REPOSITORY" => "me/models", _ => null });
        Assert.Contains("review:   none: reporting to GitHub repository me/models needs a token in GITHUB_TOKEN", review);
    }
}

public sealed class RunPublishTargetTests : IDisposable
{
    private readonly TempFolder temp = new("mc-run-target-");

    [Fact]
    public void Run_MalformedPublishTarget_ExitsTwoBeforeAnyWork()
    {
        string file = Path.Combine(temp, "p.yaml");
        File.WriteAllText(file, "name: x\nmodel: { source: 'az://goodaccount/models/base' }\nstages: []\npublish: { targets: ['az://ab/models'] }\n");
        var (code, _, error) = CliTestData.RunInProcess("run", file, "--out", Path.Combine(temp, "runs"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("not a storage account name", error);
    }

    public void Dispose() => temp.Dispose();
}

public sealed class BlobSourceWithoutCredentialsTests : IDisposable
{
    private readonly TempFolder temp = new("mc-run-nocred-");

    [Fact]
    public void Run_BlobSourceThatCannotAuthenticate_ExitsTwoWithAClearMessage()
    {
        string file = Path.Combine(temp, "p.yaml");
        File.WriteAllText(file, "name: x\nmodel: { source: 'http://127.0.0.1:9/devstoreaccount1/models/base?sv=1&sig=TOPSECRET' }\nstages: []\n");
        var (code, _, error) = CliTestData.RunInProcess("run", file, "--out", Path.Combine(temp, "runs"));
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.StartsWith("error: model source http://127.0.0.1:9/devstoreaccount1/models/base:", error);
        Assert.DoesNotContain("TOPSECRET", error);
    }

    public void Dispose() => temp.Dispose();
}
