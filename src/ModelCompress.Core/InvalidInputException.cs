namespace ModelCompress.Core;

/// <summary>Invalid user input (arguments, config values): the CLI maps it to exit code 2.</summary>
public sealed class InvalidInputException(string message) : ModelCompressException(message, FailureKind.InvalidInput);
