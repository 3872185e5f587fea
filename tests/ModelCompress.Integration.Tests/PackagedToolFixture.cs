namespace ModelCompress.Integration.Tests;

/// <summary>
/// What a new user has after following README's install: both packages packed into a local folder, a tool manifest
/// with ModelCompressTool installed from that folder (nuget.org cleared: nothing else is needed), and the MSBuild
/// sample copied beside it. Everything lives in one temporary folder, including the NuGet package cache, the dotnet
/// CLI home (its local-tool resolver cache) and MODELCOMPRESS_CACHE, so nothing from an earlier run is reused.
/// </summary>
public sealed class PackagedToolFixture : IDisposable
{
    public static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    private readonly TempFolder root = new("mc-integration-");

    public string Root => root.Path;
    public string Packages => Path.Combine(Root, "pkg");
    /// <summary>The folder holding the tool manifest; the sample project is below it.</summary>
    public string Work => Path.Combine(Root, "work");
    public string Sample => Path.Combine(Work, "CompressModelSample");
    /// <summary>One runs folder for every test; with MODELCOMPRESS_CACHE set the stage cache is CACHE/stages, shared too, so only
    /// the first run trains.</summary>
    public string Runs => Path.Combine(Root, "runs");

    /// <summary>Environment of every command run as the user would (not of the pack, which needs the machine's NuGet cache).</summary>
    public IReadOnlyDictionary<string, string> UserEnvironment { get; }

    public PackagedToolFixture()
    {
        UserEnvironment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(Root, "nuget"),
            ["DOTNET_CLI_HOME"] = Path.Combine(Root, "home"),
            ["MODELCOMPRESS_CACHE"] = Path.Combine(Root, "cache"),
        };
        var none = new Dictionary<string, string>();
        foreach (string project in new[] { "src/ModelCompress.Cli", "src/ModelCompress.MSBuild" })
            Check(ProcessRunner.Dotnet(RepoPaths.Root, none, PackTimeout,
                "pack", RepoPaths.Of(project), "-c", "Release", "-o", Packages, "-nodeReuse:false", "-p:UseSharedCompilation=false"));

        Directory.CreateDirectory(Work);
        File.WriteAllText(Path.Combine(Work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Packages}" />
              </packageSources>
            </configuration>
            """);
        CopyDirectory(RepoPaths.Of("samples", "CompressModelSample"), Sample);
        Check(Dotnet(Work, "new", "tool-manifest"));
        Check(Dotnet(Work, "tool", "install", "ModelCompressTool", "--add-source", Packages));
    }

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="directory"/> with the user environment.</summary>
    public ProcessResult Dotnet(string directory, params string[] args) =>
        ProcessRunner.Dotnet(directory, UserEnvironment, RunTimeout, args);

    public void Dispose()
    {
        try { root.Dispose(); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static void Check(ProcessResult result)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException(result.ToString());
    }

    /// <summary>Copies a folder as a user would (hidden files included), less build outputs and run folders.</summary>
    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "runs")))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
