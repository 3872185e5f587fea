namespace ModelCompress.Cli.Tests;

/// <summary>Tests that train or change process-wide state (environment, libtorch's global generator) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}
