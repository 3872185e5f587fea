namespace ModelCompress.Core.Config;

/// <summary>One problem in a pruning.yaml, located by line and column (1-based), with a hint on how to fix it.</summary>
public sealed record ConfigError(string File, int Line, int Column, string Path, string Message, string? Hint = null)
{
    public override string ToString() =>
        (Line > 0 ? $"{File}:{Line}:{Column}: " : $"{File}: ") + (Path.Length > 0 ? $"{Path}: " : "") + Message +
        (Hint is null ? "" : $" Hint: {Hint}");
}

/// <summary>A pruning.yaml with problems; carries every problem found, not just the first.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : ModelCompressException($"{errors.Count} problem{(errors.Count == 1 ? "" : "s")} in the pipeline file:\n" + string.Join("\n", errors),
        FailureKind.InvalidInput)
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
