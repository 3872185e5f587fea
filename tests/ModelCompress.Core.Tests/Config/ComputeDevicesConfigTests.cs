using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Planning;

namespace ModelCompress.Core.Tests.Config;

/// <summary>compute.devices and compute.memory_limit: what they accept, and every wrong entry named with its line and a fix.</summary>
public sealed class ComputeDevicesConfigTests
{
    private const string Stages = "stages:\n  - { id: p, type: prune, layers: \"1\" }\n";

    private static PipelineConfig Parse(string compute) =>
        PipelineConfigLoader.Parse($"name: x\nmodel: {{ source: m }}\ncompute:\n{compute}" + Stages, "p.yaml");

    private static List<string> Errors(string compute) =>
        [.. Assert.Throws<ConfigException>(() => Parse(compute)).Errors.Select(e => e.ToString())];

    [Fact]
    public void Devices_AreOptional_OneKind_AndCpuMayRepeat()
    {
        Assert.Empty(Parse("  device: cpu\n").Compute.Devices);
        Assert.Equal(["cuda:0", "cuda:1"], Parse("  devices: [cuda:0, cuda:1]\n").Compute.Devices);
        Assert.Equal(["cpu", "cpu", "cpu"], Parse("  device: cpu\n  devices: [cpu, cpu, cpu]\n").Compute.Devices);
        Assert.Equal("24GiB", Parse("  memory_limit: 24GiB\n").Compute.MemoryLimit);
    }

    [Fact]
    public void BadEntries_AreNamed_WithTheirLine_AndAFix()
    {
        Assert.Equal(["p.yaml:4:21: compute.devices[1]: 'gpu1' is not cpu, cuda or cuda:N (N = 0, 1, ...)."],
            Errors("  devices: [cuda:0, gpu1]\n"));
        Assert.Equal(["p.yaml:4:11: compute.device: device cpu contradicts devices [cuda:0, cuda:1]. " +
                      "Hint: remove compute.device (devices decides) or make the two agree."],
            Errors("  device: cpu\n  devices: [cuda:0, cuda:1]\n"));
        Assert.Equal(["p.yaml:4:12: compute.devices: lists both cpu and cuda devices. " +
                      "Hint: list devices of one kind: cuda:0, cuda:1, ... (or cpu slots, for tests)."],
            Errors("  devices: [cpu, cuda:0]\n"));
        Assert.Equal(["p.yaml:4:21: compute.devices: cuda:1 is listed twice. " +
                      "Hint: list each GPU once (only cpu may repeat: CPU slots for tests)."],
            Errors("  devices: [cuda:1, cuda:1]\n"));
        Assert.Equal(["p.yaml:4:13: compute.devices: 'cuda' is ambiguous in a list of several GPUs. " +
                      "Hint: name each GPU with its index: cuda:0, cuda:1, ..."],
            Errors("  devices: [cuda, cuda:1]\n"));
        Assert.Equal(["p.yaml:4:17: compute.memory_limit: 'lots' is not a size such as 24GiB, 512MiB or 80GB."],
            Errors("  memory_limit: lots\n"));
    }

    [Fact]
    public void MemorySizes_Parse_AndTheEnvironmentWins()
    {
        Assert.Equal(24L << 30, MemorySize.Parse("24GiB", "x"));
        Assert.Equal(80_000_000_000L, MemorySize.Parse("80GB", "x"));
        Assert.Equal(1536L << 10, MemorySize.Parse("1.5 MiB", "x"));
        Assert.Equal((512L << 20, "compute.memory_limit"), MemorySize.Limit("512MiB", _ => null));
        Assert.Equal((1L << 30, MemorySize.Variable), MemorySize.Limit("512MiB", n => n == MemorySize.Variable ? "1GiB" : null));
        Assert.Null(MemorySize.Limit(null, _ => null));
        var error = Assert.Throws<InvalidInputException>(() => MemorySize.Limit(null, _ => "8 gigs"));
        Assert.Contains(MemorySize.Variable, error.Message);
    }
}
