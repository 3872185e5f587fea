namespace ModelCompress.Cli;

/// <summary>The tool's exit codes, mapped in one place.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int UnexpectedError = 1;
    public const int InvalidInput = 2;
    public const int GateFailed = 3;
    public const int PublishFailed = 4;
    public const int Cancelled = 130;
}
