using System.Reflection;

namespace ModelCompress.Core;

/// <summary>The tool's name and version, recorded in every file it writes.</summary>
public static class ToolInfo
{
    public const string Name = "ModelCompressTool";

    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
