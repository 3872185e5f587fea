namespace ModelCompress.Core.Tests;

/// <summary>
/// Tests that train: LoRA init and dropout draw from libtorch's global generator (reseeded per step for reproducibility),
/// so they must not run while other tests draw from it. xunit runs this collection alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "global RNG";
}
