namespace ModelCompress.Core.Data;

/// <summary>A training data file that cannot be read; the message names the file, the line and the field. CLI exit 2.</summary>
public sealed class DatasetException(string message) : ModelCompressException(message, FailureKind.InvalidInput)
{
    public static DatasetException MissingField(string path, int line, string field) =>
        new($"{path}:{line}: record lacks the string field '{field}'.");

    public static DatasetException BadField(string path, int line, string field, string problem) =>
        new($"{path}:{line}: field '{field}' {problem}.");

    public static DatasetException BadJson(string path, int line, string problem) =>
        new($"{path}:{line}: not valid JSON: {problem}.");

    public static DatasetException NotAnArray(string path) =>
        new($"{path}:1: an Alpaca file must be a JSON array of objects with 'instruction', 'input' and 'output'.");

    public static DatasetException Empty(string path) => new($"{path}: no training examples in the file.");

    public static DatasetException TooFewForValidation(string path, int count, int validation) =>
        new($"{path}: {count} examples cannot hold a validation split of {validation} (use a smaller --val-size, or 0).");
}
