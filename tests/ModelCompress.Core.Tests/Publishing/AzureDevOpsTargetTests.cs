using ModelCompress.Core.Publishing.AzureDevOps;

namespace ModelCompress.Core.Tests.Publishing;

public sealed class AzureDevOpsTargetTests
{
    private static Func<string, string?> Env(Dictionary<string, string> values) => name => values.GetValueOrDefault(name);

    private static Dictionary<string, string> PullRequestBuild() => new()
    {
        ["TF_BUILD"] = "True", ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso/", ["SYSTEM_TEAMPROJECT"] = "Model Team",
        ["BUILD_REPOSITORY_ID"] = "5febef5a-833d-4e14-b9c0-14cb638f91e6", ["BUILD_REPOSITORY_NAME"] = "llm",
        ["BUILD_REPOSITORY_PROVIDER"] = "TfsGit", ["BUILD_BUILDID"] = "812", ["SYSTEM_PULLREQUEST_PULLREQUESTID"] = "17",
        ["SYSTEM_ACCESSTOKEN"] = "ado_secret",
    };

    [Fact]
    public void PullRequestBuild_ResolvesThreadsPathRunAndPullRequestUrls_AndHidesTheToken()
    {
        var target = AzureDevOpsTarget.Resolve(Env(PullRequestBuild()))!;

        Assert.Equal(new Uri("https://dev.azure.com/contoso/"), target.Collection);
        Assert.Equal(17, target.PullRequest);
        Assert.Equal("Model%20Team/_apis/git/repositories/5febef5a-833d-4e14-b9c0-14cb638f91e6/pullRequests/17/threads",
            target.ThreadsPath);
        Assert.Equal("https://dev.azure.com/contoso/Model%20Team/_build/results?buildId=812", target.RunUrl);
        Assert.Equal("https://dev.azure.com/contoso/Model%20Team/_git/llm/pullrequest/17", target.PullRequestUrl);
        Assert.DoesNotContain("ado_secret", target.ToString());
    }

    [Fact]
    public void ServerCollectionWithoutTrailingSlash_KeepsItsPath()
    {
        var env = PullRequestBuild();
        env["SYSTEM_COLLECTIONURI"] = "https://tfs.contoso.com/tfs/DefaultCollection";

        Assert.Equal("https://tfs.contoso.com/tfs/DefaultCollection/", AzureDevOpsTarget.Resolve(Env(env))!.Collection.ToString());
    }

    [Theory]
    [InlineData("TF_BUILD")]
    [InlineData("SYSTEM_PULLREQUEST_PULLREQUESTID")]
    public void NotAPullRequestBuild_ReportsNowhere(string missing)
    {
        var env = PullRequestBuild();
        env.Remove(missing);

        Assert.Null(AzureDevOpsTarget.Resolve(Env(env), w => Assert.Fail(w)));
    }

    [Fact]
    public void GitHubRepositoryBuiltInAzurePipelines_GetsNoThread()
    {
        var env = PullRequestBuild();
        env["BUILD_REPOSITORY_PROVIDER"] = "GitHub";

        Assert.Null(AzureDevOpsTarget.Resolve(Env(env), w => Assert.Fail(w)));
    }

    [Fact]
    public void TokenNotMappedIntoTheStep_Warns_HowToMapIt()
    {
        var env = PullRequestBuild();
        env.Remove("SYSTEM_ACCESSTOKEN");
        var warnings = new List<string>();

        Assert.Null(AzureDevOpsTarget.Resolve(Env(env), warnings.Add));
        Assert.Contains("env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)", Assert.Single(warnings));
    }

    [Theory]
    [InlineData("SYSTEM_COLLECTIONURI", "", "SYSTEM_COLLECTIONURI is not set")]
    [InlineData("SYSTEM_COLLECTIONURI", "dev.azure.com/contoso", "SYSTEM_COLLECTIONURI 'dev.azure.com/contoso' is not an http(s) URL")]
    [InlineData("BUILD_REPOSITORY_ID", "", "BUILD_REPOSITORY_ID is not set")]
    [InlineData("SYSTEM_PULLREQUEST_PULLREQUESTID", "abc", "SYSTEM_PULLREQUEST_PULLREQUESTID 'abc' is not a pull request number")]
    public void IncompletePullRequestBuild_IsInvalidInput_NamingTheVariable(string name, string value, string message)
    {
        var env = PullRequestBuild();
        env[name] = value;

        var error = Assert.Throws<InvalidInputException>(() => AzureDevOpsTarget.Resolve(Env(env)));
        Assert.Contains(message, error.Message);
    }
}
