using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests;

/// <summary>
/// <c>plan</c> with <c>compute.device: cuda</c> on this CPU-only machine (the Llama-3.1-8B Table 4 sample, config.json only):
/// per-stage memory and time, a verdict and the assumptions, in text and in --json.
/// </summary>
public sealed class PlanCommandTests : IDisposable
{
    private static readonly string Sample = Path.Combine(RepoPaths.Root, "samples", "plans", "llama31-8b-table4.yaml");
    private readonly TempFolder temp = new("mc-plan-");

    [Fact]
    public void CudaPlan_OnACpuMachine_PrintsMemoryTimeAndAVerdict()
    {
        var (code, output, error) = CliTestData.RunInProcess("plan", Sample, "--out", Path.Combine(temp, "runs"));
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("memory and time on cuda A100-40GB (BFloat16, 40.00 GiB, 124.8 TFLOPS effective), GiB:", output);
        var heal = output.ReplaceLineEndings("\n").Split('\n')
            .Single(l => l.StartsWith("heal ", StringComparison.Ordinal) && l.Contains("min"));
        Assert.Matches(
            @"^heal\s+11\.77\s+0\.06\s+0\.12\s+0\.06\s+\d+\.\d\d\s+1\.71\s+0\.00\s+0\.00\s+1\.00\s+\d+\.\d\d\s+\d+\.\d min$", heal);
        Assert.Contains("verdict:  fits on one A100-40GB (40.00 GiB)", output);
        Assert.Contains("assumptions:", output);
    }

    [Fact]
    public void CudaPlan_Json_CarriesTargetEstimatesAndVerdict()
    {
        var (code, output, error) = CliTestData.RunInProcess("plan", Sample, "--out", Path.Combine(temp, "runs"), "--json",
            "--set", "stages.1.method=partial");
        Assert.True(code == ExitCodes.Success, error);
        var plan = JsonNode.Parse(output)!;
        Assert.Equal("cuda", plan["target"]!["kind"]!.GetValue<string>());
        var heal = plan["steps"]![2]!["estimate"]!;
        Assert.True(heal["peak_bytes"]!.GetValue<long>() > 40L << 30);
        Assert.True(heal["seconds"]!.GetValue<double>() > 0);
        Assert.True(plan["verdict"]!["devices"]!.GetValue<int>() > 1);
        Assert.Null(plan["steps"]![0]!["estimate"]);
    }

    public void Dispose() => temp.Dispose();
}
