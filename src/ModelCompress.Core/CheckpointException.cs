namespace ModelCompress.Core;

/// <summary>
/// A model folder or checkpoint file that cannot be read or does not match its config (exit 2). Model's config.json mapping,
/// the checkpoint readers and the fine-tuning loader all raise it, so it sits beside the error base type, below them all.
/// </summary>
public sealed class CheckpointException(string message) : ModelCompressException(message, FailureKind.InvalidInput)
{
    public static CheckpointException MissingFile(string path) =>
        new($"{path}: file not found. A model folder needs config.json, model.safetensors " +
            "(or model.safetensors.index.json with shards) and tokenizer files.");

    public static CheckpointException BadConfig(string path, string problem) => new($"{path}: {problem}.");

    public static CheckpointException UnsupportedModelType(string path, string modelType, IEnumerable<string> supported) =>
        new($"{path}: model_type '{modelType}' is not supported (supported: {string.Join(", ", supported.Order())}).");

    public static CheckpointException MissingKeys(IEnumerable<string> keys) =>
        new($"the checkpoint lacks tensors the model needs: {Summarize(keys)}.");

    public static CheckpointException UnexpectedKeys(IEnumerable<string> keys) =>
        new($"the checkpoint has tensors the model does not use: {Summarize(keys)}.");

    public static CheckpointException ShapeMismatch(string key, IEnumerable<long> expected, IEnumerable<long> actual) =>
        new($"tensor '{key}' has shape [{string.Join(", ", actual)}] but the config implies [{string.Join(", ", expected)}].");

    public static CheckpointException BadSafetensors(string path, string problem) =>
        new($"{path}: not a valid safetensors file: {problem}.");

    public static CheckpointException BadLlama2c(string path, string problem) =>
        new($"{path}: not a valid llama2.c checkpoint: {problem}.");

    private static string Summarize(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        return string.Join(", ", list.Take(10)) + (list.Count > 10 ? $" and {list.Count - 10} more" : "");
    }
}
