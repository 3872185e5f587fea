using ModelCompress.Core.Publishing;

namespace ModelCompress.Core.Tests.Publishing;

public sealed class AzurePipelinesTests
{
    [Fact]
    public void Escape_FollowsTheAgentsRules()
    {
        Assert.Equal("100%AZP25%3B a%0D%0Ab%5D c=d", AzurePipelines.Escape("100%; a\r\nb] c=d"));
    }

    [Fact]
    public void RunCommands_FailedRun_OneErrorPerFailedGate_ThenTheSummary()
    {
        string dir = RunFolderFixture.Create(passed: false);
        var commands = AzurePipelines.RunCommands(dir).ToList();
        Assert.Equal(
        [
            "##vso[task.logissue type=error]demo-pruned: quality gate facts.acc max_drop 0.01 failed: dropped 0.0177 > 0.01 | by 0.0077",
            $"##vso[task.uploadsummary]{Path.Combine(dir, "report.md")}",
        ], commands);
    }

    [Fact]
    public void RunCommands_PassedRun_OnlyTheSummary()
    {
        string dir = RunFolderFixture.Create(passed: true);
        Assert.Equal([$"##vso[task.uploadsummary]{Path.Combine(dir, "report.md")}"], AzurePipelines.RunCommands(dir));
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("true", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    public void IsActive_ReadsTfBuild(string? value, bool active) =>
        Assert.Equal(active, AzurePipelines.IsActive(name => name == "TF_BUILD" ? value : null));
}
