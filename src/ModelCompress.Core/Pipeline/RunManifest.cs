using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;

namespace ModelCompress.Core.Pipeline;

/// <summary>manifest.json: inputs with sha256, the effective configuration, seeds, versions, and each stage's time and memory.</summary>
public static class RunManifest
{
    public static JsonObject Write(
        RunOutcome run, JsonObject effectiveConfig, IReadOnlyDictionary<string, string> inputs, long seed) => new()
    {
        ["name"] = run.Name,
        ["started"] = run.Started.ToString("O"),
        ["finished"] = run.Finished.ToString("O"),
        ["verdict"] = run.Verdict == Verdict.Passed ? "passed" : "failed",
        ["tool"] = new JsonObject { ["name"] = ToolInfo.Name, ["version"] = ToolInfo.Version },
        ["libraries"] = new JsonObject
        {
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            ["os"] = RuntimeInformation.OSDescription,
        },
        ["inputs"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject { ["path"] = i.Key, ["sha256"] = i.Value })]),
        ["seeds"] = new JsonObject { ["compute.seed"] = seed },
        ["effective_config"] = effectiveConfig.DeepClone(),
        ["stages"] = JsonSerializer.SerializeToNode(run.Stages, JsonDefaults.Indented),
    };
}
