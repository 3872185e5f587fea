using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace ModelCompress.Core.Config;

/// <summary>
/// Rules of the compute section: <c>devices</c> lists devices of one kind, each GPU once, with indexes when there are several,
/// and does not contradict <c>device</c>.
/// </summary>
internal static class ComputeChecks
{
    public static void Run(JsonObject json, YamlNode root, YamlToJson report)
    {
        if (json["compute"] is not JsonObject compute || compute["devices"] is not JsonArray list || list.Count == 0) return;
        var computeNode = YamlNodes.Child(root, "compute");
        var nodes = YamlNodes.Items(computeNode, "devices");
        var devicesNode = YamlNodes.Child(computeNode, "devices");
        var entries = list.Select((d, i) => (Name: d?.GetValue<string>(), Node: i < nodes.Count ? nodes[i] : devicesNode))
            .Where(e => e.Name is not null).Select(e => (Name: e.Name!, e.Node)).ToList();
        bool anyCpu = entries.Any(e => e.Name == "cpu"), anyCuda = entries.Any(e => e.Name != "cpu");
        if (anyCpu && anyCuda)
            report.Error(devicesNode, "compute.devices", "lists both cpu and cuda devices.",
                "list devices of one kind: cuda:0, cuda:1, ... (or cpu slots, for tests).");
        string device = compute["device"]?.GetValue<string>() ?? "auto";
        if ((device == "cpu" && anyCuda) || (device == "cuda" && anyCpu))
            report.Error(YamlNodes.Child(computeNode, "device"), "compute.device",
                $"device {device} contradicts devices [{string.Join(", ", entries.Select(e => e.Name))}].",
                "remove compute.device (devices decides) or make the two agree.");
        var gpus = entries.Where(e => e.Name != "cpu").ToList();
        if (gpus.Count > 1)
            foreach (var e in gpus.Where(e => e.Name == "cuda"))
                report.Error(e.Node, "compute.devices", "'cuda' is ambiguous in a list of several GPUs.",
                    "name each GPU with its index: cuda:0, cuda:1, ...");
        foreach (var twice in gpus.Where(e => e.Name != "cuda").GroupBy(e => e.Name).Where(g => g.Count() > 1))
            report.Error(twice.Skip(1).First().Node, "compute.devices", $"{twice.Key} is listed twice.",
                "list each GPU once (only cpu may repeat: CPU slots for tests).");
    }
}
