using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests.LibTorch;

/// <summary><c>dotnet compress doctor</c> on this machine's bundled CPU libtorch.</summary>
public sealed class DoctorCommandTests
{
    [Fact]
    public void Json_HasEveryField_WithItsType()
    {
        var (code, output, error) = CliTestData.RunInProcess("doctor", "--json");

        Assert.True(code == 0, error);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(JsonValueKind.String, report["tool_version"]!.GetValueKind());
        Assert.Equal("0.107.0", report["torchsharp_version"]!.GetValue<string>());
        var libtorch = report["libtorch"]!;
        Assert.Equal("bundled", libtorch["source"]!.GetValue<string>());
        Assert.Equal("2.10.0", libtorch["version"]!.GetValue<string>());
        Assert.Equal("2.10.0", libtorch["built_for"]!.GetValue<string>());
        Assert.Equal("cpu", libtorch["backend"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Null, libtorch["version_file"]?.GetValueKind() ?? JsonValueKind.Null);
        Assert.Contains(libtorch["mapped"]!.AsArray(), m => m!.GetValue<string>().EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"), libtorch["directory"]!.GetValue<string>());
        // The build marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak in every output it copies the binding to.
        Assert.Equal("GLIBCXX_3.4.32", report["binding"]!["version_need"]!.GetValue<string>());
        Assert.Equal("weak", report["binding"]!["version_need_state"]!.GetValue<string>());
        var cuda = report["cuda"]!;
        Assert.False(cuda["available"]!.GetValue<bool>());
        Assert.Equal(0, cuda["device_count"]!.GetValue<int>());
        Assert.False(cuda["cudnn_available"]!.GetValue<bool>());
        Assert.Equal("none (CPU build)", cuda["cuda_version"]!.GetValue<string>());
        Assert.Equal("unknown", cuda["cudnn_version"]!.GetValue<string>());
        var cpu = Assert.Single(report["devices"]!.AsArray())!;
        Assert.Equal("cpu", cpu["name"]!.GetValue<string>());
        Assert.True(cpu["memory_bytes"]!.GetValue<long>() > 1L << 30);
        Assert.Equal(JsonValueKind.String, cpu["description"]!.GetValueKind());
        bool bf16 = cpu["bf16"]!.GetValue<bool>();
        Assert.Equal(bf16, File.ReadAllText("/proc/cpuinfo").Contains("_bf16", StringComparison.Ordinal));
        Assert.True(report["threads"]!["intra_op"]!.GetValue<int>() >= 1);
        Assert.True(report["threads"]!["inter_op"]!.GetValue<int>() >= 1);
        Assert.Equal(Environment.ProcessorCount, report["threads"]!["cores"]!.GetValue<int>());
        Assert.Equal("cpu", report["auto"]!["device"]!.GetValue<string>());
        Assert.Equal("fp32", report["auto"]!["dtype"]!.GetValue<string>());
    }

    [Fact]
    public void Text_HasEverySection()
    {
        var (code, output, error) = CliTestData.RunInProcess("doctor");

        Assert.True(code == 0, error);
        var heads = output.Split('\n').Select(l => l.Split(':')[0]).ToList();
        Assert.Equal(["tool", "libtorch", "binding", "cuda", "devices", "threads", "auto"],
            heads.Where(h => h.Length > 0 && !h.StartsWith(' ')).ToList());
        Assert.Contains("  cpu ", output);
        Assert.Contains("GLIBCXX_3.4.32 need weak", output);
        Assert.Contains("auto:      device: cpu, dtype: fp32", output);
    }
}
