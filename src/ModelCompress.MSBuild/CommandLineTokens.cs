using System.Text;

namespace ModelCompress.MSBuild;

/// <summary>Splits a command such as <c>dotnet "/my tools/dotnet-compress.dll"</c> and finds executables on PATH.</summary>
internal static class CommandLineTokens
{
    /// <summary>Whitespace-separated tokens; double quotes group a token and are removed.</summary>
    public static string[] Split(string command)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in command)
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any) tokens.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else { current.Append(c); any = true; }
        }
        if (any) tokens.Add(current.ToString());
        return [.. tokens];
    }

    public static string? FindOnPath(string executable)
    {
        string[] names = OperatingSystem.IsWindows() && !Path.HasExtension(executable) ? [executable + ".exe", executable] : [executable];
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (string name in names)
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }
}
