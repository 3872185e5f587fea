using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelCompress.Core.Gates;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Pipeline;

/// <summary>
/// manifest.json: inputs with sha256 (named as pruning.yaml wrote them), the base model and licence the model card names, the
/// effective configuration, seeds, versions, each stage's key, time and memory, and — in CI — the commit and the CI run's URL.
/// </summary>
public static class RunManifest
{
    public static JsonObject Write(RunOutcome run, JsonObject effectiveConfig, IReadOnlyList<(string Path, string Sha256)> inputs,
        long seed, ModelOrigin origin, RunProvenance? provenance)
    {
        var manifest = new JsonObject
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
        };
        if (provenance is not null) manifest["provenance"] = provenance.ToJson();
        manifest["base_model"] = origin.BaseModel;
        manifest["license"] = origin.License;
        manifest["inputs"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonObject { ["path"] = i.Path, ["sha256"] = i.Sha256 })]);
        manifest["seeds"] = new JsonObject { ["compute.seed"] = seed };
        manifest["effective_config"] = effectiveConfig.DeepClone();
        manifest["stages"] = JsonSerializer.SerializeToNode(run.Stages, JsonDefaults.Indented);
        return manifest;
    }
}
