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
        Assert.Equal(FailureKind.InvalidInput, CheckpointException.MissingKeys(["x"]).Kind);
        Assert.Equal(FailureKind.InvalidInput, Data.DatasetException.Empty("f").Kind);
        Assert.Equal(FailureKind.PublishFailed, Create("PublishException").Kind);
        Assert.Equal(FailureKind.PublishFailed, Create("GitHubException").Kind);
    }

    // By name, so the test does not depend on which folder the publishing errors live in.
    private static ModelCompressException Create(string name)
    {
        var constructor = typeof(ModelCompressException).Assembly.GetTypes().Single(t => t.Name == name).GetConstructors().Single();
        object?[] args = [.. constructor.GetParameters().Select((p, i) => i == 0 ? "message" : p.DefaultValue)];
        return (ModelCompressException)constructor.Invoke(args);
    }
}
