using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelCompress.Integration.Tests;

/// <summary>
/// gpu/: the bundle for a GPU machine without .NET is built here (a self-contained publish without libtorch, under 64 MiB), and its
/// check runs as a CPU dry run against the CPU libtorch of this build through the libtorch-folder mechanism, with Debian's
/// python3-torch for the python parts; its one JSON line carries the figures a GPU run would.
/// </summary>
public sealed partial class GpuCheckDryRunTests(GpuBundle bundle) : IClassFixture<GpuBundle>, IDisposable
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromMinutes(3);
    private readonly TempFolder temp = new("mc-gpucheck-");

    /// <summary>The CPU libtorch this build carries: a bare folder of .so files (no version file beside it).</summary>
    private static string BuildLibTorch => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    [Fact]
    public void Bundle_FitsIn64MiB_CarriesTheRuntimeAndBindingButNoLibTorch()
    {
        Assert.True(bundle.Built.ExitCode == 0, bundle.Built.ToString());
        Assert.Equal(bundle.Archive, bundle.Built.Out.Trim());
        Assert.InRange(new FileInfo(bundle.Archive).Length, 20L << 20, 64L << 20);
        Assert.Matches(@"MiB compressed \(\d+\.\d MiB unpacked\), limit 64 MiB", bundle.Built.Err);
        var natives = Directory.GetFiles(Path.Combine(bundle.Root, "tool"), "*.so*").Select(Path.GetFileName).ToList();
        Assert.Contains("libLibTorchSharp.so", natives);
        Assert.Contains("libcoreclr.so", natives); // the runtime travels: the GPU machine has no .NET
        Assert.DoesNotContain(natives, n => LibTorchNative().IsMatch(n!));
        Assert.Empty(Directory.GetFiles(Path.Combine(bundle.Root, "native")));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(bundle.Root, "bundle.json")))!;
        Assert.Equal(PackageVersion("TorchSharp"), manifest["torchsharp_version"]!.GetValue<string>());
        Assert.Equal(PackageVersion("libtorch-cpu-linux-x64"), manifest["libtorch_version"]!.GetValue<string>());
    }

    [Fact]
    public void CpuDryRun_PrintsOneJsonLineOfFigures()
    {
        Assert.True(bundle.Built.ExitCode == 0, bundle.Built.ToString());
        string output = Path.Combine(temp, "out");
        var check = ProcessRunner.Run("bash", temp, GpuBundle.Environment, CheckTimeout,
            Path.Combine(bundle.Root, "check.sh"), "--cpu", "--libtorch", BuildLibTorch, "--out", output);
        Assert.True(check.ExitCode == 0, check.ToString());
        string line = check.Out.TrimEnd('\n').Split('\n')[^1];
        Assert.Equal(line + "\n", File.ReadAllText(Path.Combine(output, "check.json")));
        var json = JsonNode.Parse(line)!;
        Assert.True(json["ok"]!.GetValue<bool>(), line);
        Assert.Empty(json["problems"]!.AsArray());
        Assert.Equal("cpu-dry-run", json["mode"]!.GetValue<string>());

        var libtorch = json["libtorch"]!;
        Assert.Equal(PackageVersion("libtorch-cpu-linux-x64"), libtorch["version"]!.GetValue<string>());
        // The bare folder has no version file, so the tool refuses it (exit 2) and the check takes the overlay path.
        Assert.Equal("bundled-overlay", libtorch["binding"]!.GetValue<string>());
        Assert.Contains("doctor --libtorch " + BuildLibTorch + ": exit 2", check.Err);

        var stories = json["stories260K"]!;
        Assert.Equal(512, stories["vocab"]!.GetValue<int>());
        Assert.InRange(stories["tokens"]!.GetValue<int>(), 10, 100);
        Assert.Equal(1e-3, stories["tolerance"]!.GetValue<double>());
        Assert.InRange(stories["fp32_max_abs_diff"]!.GetValue<double>(), 0, 1e-3);
        Assert.InRange(stories["bf16_max_abs_diff"]!.GetValue<double>(), 1e-4, 1.0);
        Assert.InRange(stories["bf16_argmax_agreement"]!.GetValue<double>(), 0.9, 1.0);

        var checkpoint = json["checkpoint"]!;
        Assert.Equal("tiny", checkpoint["shape"]!.GetValue<string>());
        Assert.Equal(279_104, checkpoint["parameters"]!.GetValue<long>()); // 4 layers of hidden 64, MLP 224, GQA 4/1, vocab 512
        Assert.True(json["bf16_forward"]!["finite"]!.GetValue<bool>());

        var heal = json["partial_heal"]!;
        Assert.Equal(192_960, heal["trainable_parameters"]!.GetValue<long>()); // last 3 layers + lm_head + final norm
        Assert.InRange(heal["loss"]!.GetValue<double>(), 5.0, 8.0); // a random model: about ln(512) = 6.24
        var eval = json["eval"]!;
        Assert.InRange(eval["token_perplexity"]!.GetValue<double>(), 100, 5000);
        foreach (var figures in new[] { heal, eval, json["bf16_forward"]! })
            Assert.InRange(figures["peak_bytes"]!.GetValue<long>(), 50L << 20, 8L << 30);
        foreach (var figures in new[] { heal, eval })
        {
            Assert.InRange(figures["plan_peak_bytes"]!.GetValue<long>(), 50L << 20, 8L << 30);
            Assert.InRange(figures["measured_over_plan"]!.GetValue<double>(), 0.2, 5.0);
        }
        Assert.StartsWith("fits on", json["plan"]!["verdict"]!.GetValue<string>());
    }

    [Fact]
    public void CpuDryRun_LibTorchThatDoesNotLoad_NoSourcesToCompile_GivesUpWithExit1AndAJsonLine()
    {
        Assert.True(bundle.Built.ExitCode == 0, bundle.Built.ToString());
        string lib = Path.Combine(temp, "libtorch", "lib");
        Directory.CreateDirectory(lib);
        foreach (string name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) File.WriteAllText(Path.Combine(lib, name), "");
        File.WriteAllText(Path.Combine(temp, "libtorch", "build-version"), "2.10.0\n");
        string output = Path.Combine(temp, "out");
        var check = ProcessRunner.Run("bash", temp, GpuBundle.Environment, CheckTimeout,
            Path.Combine(bundle.Root, "check.sh"), "--cpu", "--libtorch", lib, "--out", output);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains($"doctor --libtorch {lib}: exit 1", check.Err); // empty files: libtorch does not load
        Assert.Contains("(LD_BIND_NOW=1): exit 1", check.Err);
        Assert.Contains("no TorchSharp native sources in the bundle", check.Err);
        var json = JsonNode.Parse(check.Out.TrimEnd('\n').Split('\n')[^1])!;
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Equal("none", json["libtorch"]!["binding"]!.GetValue<string>());
        Assert.Equal(check.Out.TrimEnd('\n').Split('\n')[^1] + "\n", File.ReadAllText(Path.Combine(output, "check.json")));
    }

    [Fact]
    public void Bundle_WithoutSources_ExitsTwoSayingHowToGetThem()
    {
        var built = ProcessRunner.Run("bash", RepoPaths.Root, GpuBundle.Environment, CheckTimeout, RepoPaths.Of("gpu", "bundle.sh"),
            "--out", Path.Combine(temp, "x.tar.gz"));
        Assert.Equal(2, built.ExitCode);
        Assert.Contains("gpu/torchsharp-sources.sh", built.Err);
        Assert.Contains("--no-sources", built.Err);
        Assert.False(File.Exists(Path.Combine(temp, "x.tar.gz")));
    }

    internal static string PackageVersion(string id) =>
        Regex.Match(File.ReadAllText(RepoPaths.Of("Directory.Packages.props")), $"Include=\"{Regex.Escape(id)}\" Version=\"([^\"]+)\"")
            .Groups[1].Value;

    [GeneratedRegex(@"^lib(torch|c10|gomp)")]
    private static partial Regex LibTorchNative();

    public void Dispose() => temp.Dispose();
}
