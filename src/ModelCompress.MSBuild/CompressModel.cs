using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelCompress.Cli;

namespace ModelCompress.MSBuild;

/// <summary>
/// Runs <c>dotnet compress run PLAN --json</c> out of process and reads its verdict back. A failed quality gate (exit 3)
/// becomes an MSBuild error naming the failed gates; any other non-zero exit becomes an error with the tool's message.
/// </summary>
public sealed class CompressModel : ToolTask
{
    private readonly StringBuilder _stdout = new();
    private readonly List<string> _stderr = [];
    private string _runDirectory = "";
    private string _failedGates = "";

    /// <summary>The pipeline file (pruning.yaml).</summary>
    [Required]
    public string PlanFile { get; set; } = "";

    /// <summary><c>key.path=value</c> overrides, each passed as <c>--set</c>.</summary>
    public string[] Overrides { get; set; } = [];

    /// <summary>Runs folder (<c>--out</c>); the run goes to RunDirectory/NAME. Default <c>runs</c>.</summary>
    public string RunDirectory { get; set; } = "runs";

    /// <summary>Persistent cache root (<c>--cache-dir</c>): stage outputs, blob mirrors and the demo survive a clean workspace.
    /// Default: none (the tool's default: <c>$MODELCOMPRESS_CACHE</c>, else RunDirectory/.cache for stages).</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>Continue an interrupted run (<c>--resume</c>).</summary>
    public bool Resume { get; set; }

    /// <summary>How to start the tool: an executable followed by fixed arguments. Default <c>dotnet compress</c> (the installed
    /// tool).</summary>
    public string ToolCommand { get; set; } = "dotnet compress";

    /// <summary><c>passed</c> or <c>failed</c>.</summary>
    [Output]
    public string Verdict { get; private set; } = "";

    /// <summary>Full path of the run's model folder (RunDirectory/NAME/model).</summary>
    [Output]
    public string ModelPath { get; private set; } = "";

    /// <summary>Full path of the run's report (RunDirectory/NAME/report.md).</summary>
    [Output]
    public string ReportPath { get; private set; } = "";

    protected override string ToolName => CommandTokens() is [var exe, ..] ? Path.GetFileName(exe) : "dotnet";

    // stdout carries the JSON, stderr the tool's progress and messages; ToolTask tells them apart only by importance.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    public override bool Execute()
    {
        YieldDuringToolExecution = true;
        _runDirectory = Path.GetFullPath(RunDirectory);
        return base.Execute();
    }

    protected override string GenerateFullPathToTool()
    {
        string exe = CommandTokens()[0];
        if (Path.IsPathRooted(exe)) return exe;
        // Inside `dotnet build`, DOTNET_HOST_PATH is the dotnet that runs this build: use the same one for `dotnet compress`.
        if (exe == "dotnet" && Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        return CommandLineTokens.FindOnPath(exe) ?? exe;
    }

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        foreach (string argument in CommandTokens().Skip(1)) builder.AppendFileNameIfNotNull(argument);
        builder.AppendSwitch("run");
        builder.AppendFileNameIfNotNull(Path.GetFullPath(PlanFile));
        foreach (string item in Overrides.Where(o => o.Trim().Length > 0)) builder.AppendSwitchIfNotNull("--set ", item.Trim());
        builder.AppendSwitchIfNotNull("--out ", _runDirectory);
        if (CacheDirectory.Trim().Length > 0) builder.AppendSwitchIfNotNull("--cache-dir ", Path.GetFullPath(CacheDirectory.Trim()));
        if (Resume) builder.AppendSwitch("--resume");
        builder.AppendSwitch("--json");
        return builder.ToString();
    }

    protected override bool ValidateParameters()
    {
        if (!File.Exists(PlanFile))
        {
            Log.LogError(null, "MC0002", null, PlanFile, 0, 0, 0, 0, "The pipeline file '{0}' does not exist.", Path.GetFullPath(PlanFile));
            return false;
        }
        if (CommandTokens().Length == 0)
        {
            Log.LogError("ToolCommand is empty: set it to how the tool is started, e.g. 'dotnet compress'.");
            return false;
        }
        return true;
    }

    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        // Log as plain messages: the tool's lines are not MSBuild canonical errors and must not be parsed as such.
        if (messageImportance == StandardOutputImportanceToUse) _stdout.AppendLine(singleLine);
        else
        {
            _stderr.Add(singleLine);
            // Stage starts and ends and the verdict at high importance: the terminal logger and minimal verbosity show them,
            // so a long build says which stage it is in; per-step progress stays at normal importance.
            if (IsMilestone(singleLine)) messageImportance = MessageImportance.High;
        }
        Log.LogMessage(messageImportance, "{0}", singleLine);
    }

    /// <summary>
    /// True for the tool's stage lines (<c>[12:00:01] stage 2 of 5 prune (prune): started</c>, <c>… done in 0.1 s</c>,
    /// <c>… cached, skipped</c>) and its verdict line, as it writes them to a redirected stderr.
    /// </summary>
    public static bool IsMilestone(string line)
    {
        string text = line.Length > 11 && line[0] == '[' && line[9] == ']' ? line[11..] : line;
        if (text.StartsWith("verdict: ", StringComparison.Ordinal)) return true;
        if (!text.StartsWith("stage ", StringComparison.Ordinal)) return false;
        return text.EndsWith("): started", StringComparison.Ordinal) || text.EndsWith("): cached, skipped", StringComparison.Ordinal)
               || text.Contains("): done in ", StringComparison.Ordinal);
    }

    protected override int ExecuteTool(string pathToTool, string responseFileCommands, string commandLineCommands)
    {
        int code = base.ExecuteTool(pathToTool, responseFileCommands, commandLineCommands);
        if (code is 0 or ExitCodes.GateFailed) ReadResults();
        return code;
    }

    protected override bool HandleTaskExecutionErrors()
    {
        if (ExitCode == ExitCodes.GateFailed)
        {
            Log.LogError(null, "MC0003", null, PlanFile, 0, 0, 0, 0,
                "Quality gate failed: {0}. The model was not published; report: {1}",
                _failedGates.Length > 0 ? _failedGates : "see the report", ReportPath);
            return false;
        }
        var message = _stderr.Where(l => l.Trim().Length > 0).TakeLast(20).ToList();
        Log.LogError(null, "MC0001", null, PlanFile, 0, 0, 0, 0,
            "'{0}' exited with code {1}: {2}", ToolCommand, ExitCode,
            message.Count > 0 ? string.Join(Environment.NewLine, message) : "(no message)");
        return false;
    }

    private void ReadResults()
    {
        try
        {
            using var json = JsonDocument.Parse(_stdout.ToString());
            var root = json.RootElement;
            Verdict = root.GetProperty("verdict").GetString() ?? "";
            string name = root.GetProperty("name").GetString() ?? "";
            ModelPath = Path.Combine(_runDirectory, name, "model");
            ReportPath = Path.Combine(_runDirectory, name, "report.md");
            if (root.TryGetProperty("gates", out var gates))
                _failedGates = string.Join("; ", gates.EnumerateArray()
                    .Where(g => g.TryGetProperty("passed", out var p) && p.ValueKind == JsonValueKind.False)
                    .Select(g => $"{Text(g, "metric")} {Text(g, "condition")} ({Text(g, "detail")})"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            Log.LogError(null, "MC0004", null, PlanFile, 0, 0, 0, 0, "Could not read the tool's JSON output: {0}", e.Message);
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ToString() : "";

    private string[] CommandTokens() => CommandLineTokens.Split(ToolCommand);
}
