namespace ModelCompress.Core.Tests.Architecture;

public class ErrorTypeTests
{
    [Fact]
    public void EveryCoreException_DerivesFromModelCompressException()
    {
        var exceptions = typeof(ModelCompressException).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(ModelCompressException))
            .ToList();
        Assert.NotEmpty(exceptions);
        var strays = exceptions.Where(t => !t.IsSubclassOf(typeof(ModelCompressException))).Select(t => t.FullName).ToList();
        Assert.True(strays.Count == 0, $"exception types outside ModelCompressException: {string.Join(", ", strays)}");
    }

    [Fact]
    public void Exceptions_CarryTheirFailureKind()
    {
        Assert.Equal(FailureKind.InvalidInput, new InvalidInputException("bad").Kind);
        Assert.Equal(FailureKind.InvalidInput, Checkpoints.CheckpointException.MissingKeys(["x"]).Kind);
        Assert.Equal(FailureKind.InvalidInput, Data.DatasetException.Empty("f").Kind);
        Assert.Equal(FailureKind.PublishFailed, Storage.PublishException.NotPassed("run").Kind);
        Assert.Equal(FailureKind.PublishFailed, new Reporting.GitHub.GitHubException("refused").Kind);
    }
}
