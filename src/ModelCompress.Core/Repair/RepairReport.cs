using System.Text.Json;
using ModelCompress.Core.Data;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Repair;

/// <summary>
/// One repaired cut: the student layer before it (null at the start), the teacher layers it removed, and the relative error
/// ‖h − h_teacher‖ / ‖h_teacher‖ of the residual stream just after the cut on the calibration windows, before and after the
/// repair. <see cref="Scale"/> is rescale's factor; <see cref="Note"/> says why a cut was left as it was.
/// </summary>
public sealed record CutRepair(int? KeptLayer, IReadOnlyList<int> RemovedLayers, double ErrorBefore, double ErrorAfter, double? Scale,
                               string? Note);

/// <summary>The content of repair.json, written beside a repaired model (with the pruned model's pruning.json).</summary>
public sealed record RepairReport(
    string Method, double? Ridge, ModelIdentity Teacher, CalibrationInfo Calibration, IReadOnlyList<CutRepair> Cuts, string ToolVersion)
{
    public const string FileName = "repair.json";

    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Indented);

    public static RepairReport Load(string folder) =>
        JsonSerializer.Deserialize<RepairReport>(File.ReadAllText(Path.Combine(folder, FileName)), JsonDefaults.Indented)!;
}
