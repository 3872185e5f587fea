namespace ModelCompress.Core.Evaluation;

/// <summary>
/// A benchmark or task file that cannot be used: missing, malformed, a missing field, a label out of range, an unknown task.
/// The message names the file and, where there is one, the 1-based line. The CLI maps it to exit code 2.
/// </summary>
public sealed class EvaluationDataException : ModelCompressException
{
    private EvaluationDataException(string message, string? path, int? line) : base(message, FailureKind.InvalidInput) =>
        (FilePath, Line) = (path, line);

    /// <summary>The file the problem is in, when there is one.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of <see cref="FilePath"/>, when the problem is on one line.</summary>
    public int? Line { get; }

    public static EvaluationDataException MissingFile(string path, string what) =>
        new($"{path}: file not found ({what}).", path, null);

    public static EvaluationDataException MissingField(string path, int line, string field) =>
        new($"{path}:{line}: missing field '{field}'.", path, line);

    public static EvaluationDataException BadValue(string path, int line, string field, string problem) =>
        new($"{path}:{line}: field '{field}' {problem}.", path, line);

    public static EvaluationDataException LabelOutOfRange(string path, int line, string label, int choices) =>
        new($"{path}:{line}: label '{label}' is out of range for {choices} choices.", path, line);

    public static EvaluationDataException Malformed(string path, int line, string problem) =>
        new($"{path}:{line}: {problem}.", path, line);

    public static EvaluationDataException Empty(string path) =>
        new($"{path}: holds no items (the file is empty or blank). Give one JSON object per line.", path, null);

    public static EvaluationDataException CountMismatch(string path, int expected, int actual, string what) =>
        new($"{path}: has {actual} {what} but {expected} were expected.", path, null);

    public static EvaluationDataException UnknownTask(string name, IEnumerable<string> known) =>
        new($"unknown task '{name}' (known: {string.Join(", ", known)}; or give the path of a task file ending in .json).", null, null);

    public static EvaluationDataException ContinuationTooLong(int question, int tokens, int window) =>
        new($"question {question}: a continuation has {tokens} tokens, more than the model's {window}-token window.", null, null);
}
