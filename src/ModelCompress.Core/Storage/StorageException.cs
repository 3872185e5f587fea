namespace ModelCompress.Core.Storage;

/// <summary>A blob source could not be used: a malformed URL, missing credentials, a missing or corrupted blob (exit 2).</summary>
public sealed class StorageException(string message, Exception? inner = null)
    : ModelCompressException(BlobLocation.Redact(message), FailureKind.InvalidInput, inner)
{
    public static StorageException BadUrl(string url, string why) =>
        new($"blob URL '{BlobLocation.Redact(url)}': {why}.");

    public static StorageException Empty(BlobLocation location) =>
        new($"model source {location}: no blobs under this prefix.");

    public static StorageException Corrupted(BlobLocation location, string blob, string check, string expected, string actual) =>
        new($"model source {location}: blob '{blob}' is corrupted: {check} expected {expected}, downloaded {actual}; " +
            "the download was discarded.");

    public static StorageException Failed(BlobLocation location, Exception inner) =>
        new($"model source {location}: {inner.Message.Split('\n')[0].Trim()}", inner);
}

/// <summary>Publishing a run to blob storage failed after retries; the local run folder is intact (exit 4).</summary>
public sealed class PublishException(string message, Exception? inner = null)
    : ModelCompressException(BlobLocation.Redact(message), FailureKind.PublishFailed, inner)
{
    public static PublishException AlreadyPublished(BlobLocation run) =>
        new($"{run} already exists: a published run is never overwritten (pass --overwrite to replace it).");

    public static PublishException NotPassed(string runDir) =>
        new($"run {runDir} did not pass its quality gates; nothing was published.");

    public static PublishException NotARun(string runDir, string why) =>
        new($"{runDir} is not a run folder: {why}.");

    public static PublishException Failed(BlobLocation target, Exception inner) =>
        new($"publishing to {target} failed: {FirstLine(inner.Message)}. The local run is kept; " +
            "retry with 'dotnet compress publish'.", inner);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
