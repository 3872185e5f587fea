namespace ModelCompress.Core;

/// <summary>What kind of failure a <see cref="ModelCompressException"/> is; the CLI maps each kind to one exit code.</summary>
public enum FailureKind
{
    /// <summary>The user's input cannot be used: arguments, config values, model, data or blob sources (exit 2).</summary>
    InvalidInput,

    /// <summary>Publishing or reporting a finished run failed; the local run folder is intact (exit 4).</summary>
    PublishFailed,
}

/// <summary>
/// The base of every failure the tool reports as a plain message rather than a crash. Each subclass names its
/// <see cref="FailureKind"/>, which is all the CLI needs to pick the exit code.
/// </summary>
public abstract class ModelCompressException(string message, FailureKind kind, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What kind of failure this is.</summary>
    public FailureKind Kind { get; } = kind;
}
