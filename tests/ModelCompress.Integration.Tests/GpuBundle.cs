namespace ModelCompress.Integration.Tests;

/// <summary>One <c>gpu/bundle.sh --no-sources</c> bundle, built and unpacked once for the class.</summary>
public sealed class GpuBundle : IDisposable
{
    private static readonly TimeSpan BundleTimeout = TimeSpan.FromMinutes(6);
    private readonly TempFolder temp = new("mc-gpubundle-");

    public GpuBundle()
    {
        Archive = Path.Combine(temp, "gpu-check.tar.gz");
        Built = ProcessRunner.Run("bash", RepoPaths.Root, Environment, BundleTimeout, RepoPaths.Of("gpu", "bundle.sh"), "--no-sources",
            "--out", Archive);
        if (Built.ExitCode == 0)
        {
            var unpacked = ProcessRunner.Run("tar", temp, Environment, BundleTimeout, "-xzf", Archive, "-C", temp);
            if (unpacked.ExitCode != 0) throw new InvalidOperationException(unpacked.ToString());
        }
    }

    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["MODELCOMPRESS_DATA"] = SharedData.Root,
    };

    public string Archive { get; }

    /// <summary>The unpacked bundle (check.sh, tool/, data/, native/).</summary>
    public string Root => Path.Combine(temp, "gpu-check");

    public ProcessResult Built { get; }

    public void Dispose() => temp.Dispose();
}
