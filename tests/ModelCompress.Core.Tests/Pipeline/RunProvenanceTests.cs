using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Tests.Pipeline;

public sealed class RunProvenanceTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void GitHubActions_CommitAndRunUrl()
    {
        var env = Env(("GITHUB_ACTIONS", "true"), ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
            ("GITHUB_SERVER_URL", "https://github.com/"), ("GITHUB_REPOSITORY", "contoso/models"), ("GITHUB_RUN_ID", "4242"));
        Assert.Equal(new RunProvenance("github-actions", "0123456789abcdef0123456789abcdef01234567",
            "https://github.com/contoso/models/actions/runs/4242"), RunProvenance.Read(env));
    }

    [Fact]
    public void AzurePipelines_CommitAndBuildResultsUrl()
    {
        var env = Env(("TF_BUILD", "True"), ("BUILD_SOURCEVERSION", "fedcba9876543210fedcba9876543210fedcba98"),
            ("SYSTEM_COLLECTIONURI", "https://dev.azure.com/contoso/"), ("SYSTEM_TEAMPROJECT", "Model Zoo"), ("BUILD_BUILDID", "77"));
        var provenance = RunProvenance.Read(env)!;
        Assert.Equal("https://dev.azure.com/contoso/Model%20Zoo/_build/results?buildId=77", provenance.RunUrl);
        const string Json = """{"ci":"azure-pipelines","commit":"fedcba9876543210fedcba9876543210fedcba98",""" +
                            "\"run_url\":\"https://dev.azure.com/contoso/Model%20Zoo/_build/results?buildId=77\"}";
        Assert.Equal(Json, provenance.ToJson().ToJsonString());
    }

    [Fact]
    public void PartialVariables_GiveNoUrl_AndOutsideCiThereIsNone()
    {
        Assert.Equal(new RunProvenance("github-actions", "abc", null), RunProvenance.Read(Env(("GITHUB_SHA", "abc"))));
        Assert.Equal("""{"ci":"github-actions"}""", RunProvenance.Read(Env(("GITHUB_ACTIONS", "true")))!.ToJson().ToJsonString());
        Assert.Null(RunProvenance.Read(Env(("HOME", "/home/me"), ("GITHUB_SHA", ""))));
    }
}
