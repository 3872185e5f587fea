using System.Text.Json;
using ModelCompress.Core.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>The resumable state of a run besides the tensors: where it is and what it has measured.</summary>
public sealed record TrainerState(string Fingerprint, int Step, List<LossPoint> LossCurve, int BestStep, double? BestValidationLoss);

/// <summary>
/// A folder holding a resumable run: <c>trainer.json</c> (written last, so a complete checkpoint is one that has it),
/// <c>trainable.safetensors</c> (the trained parameters now), <c>best.safetensors</c> (at the best validation step) and
/// <c>optimizer.bin</c> (AdamW moments, TorchSharp's own format). The data order and dropout masks are functions of the seed
/// and step, so nothing else is needed to continue exactly.
/// </summary>
public sealed class TrainerCheckpoint(string folder)
{
    private string StatePath => Path.Combine(folder, "trainer.json");
    private string TrainablePath => Path.Combine(folder, "trainable.safetensors");
    private string BestPath => Path.Combine(folder, "best.safetensors");
    private string OptimizerPath => Path.Combine(folder, "optimizer.bin");

    /// <summary>The saved state when there is one for the same run (same fingerprint), else null.</summary>
    public TrainerState? TryLoad(string fingerprint)
    {
        if (!File.Exists(StatePath)) return null;
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(StatePath), JsonDefaults.Indented);
        return state?.Fingerprint == fingerprint ? state : null;
    }

    /// <summary>
    /// Writes the current parameters, optimizer and state; <paramref name="best"/>, when given, is (re)written as best.safetensors.
    /// </summary>
    public void Save(TrainerState state, IReadOnlyList<(string Name, Parameter Parameter)> trainable, OptimizerHelper optimizer,
                     IReadOnlyDictionary<string, Tensor>? best)
    {
        Directory.CreateDirectory(folder);
        if (File.Exists(StatePath)) File.Delete(StatePath);
        SafetensorsWriter.Write(TrainablePath, trainable.Select(p => TensorToWrite.From(p.Name, p.Parameter)));
        if (best is not null) SafetensorsWriter.Write(BestPath, best.Select(p => TensorToWrite.From(p.Key, p.Value)));
        optimizer.save_state_dict(OptimizerPath);
        AtomicFile.WriteAllText(StatePath, JsonSerializer.Serialize(state, JsonDefaults.Indented));
    }

    /// <summary>Restores the trained parameters and optimizer; returns the best snapshot (CPU copies) when one was saved.</summary>
    public Dictionary<string, Tensor>? Restore(IReadOnlyList<(string Name, Parameter Parameter)> trainable, OptimizerHelper optimizer)
    {
        Fill(TrainablePath, trainable);
        optimizer.load_state_dict(OptimizerPath);
        if (!File.Exists(BestPath)) return null;
        using var file = SafetensorsFile.Open(BestPath);
        return file.Entries.ToDictionary(e => e.Name, e => file.Read(e));
    }

    private static void Fill(string path, IReadOnlyList<(string Name, Parameter Parameter)> trainable)
    {
        using var file = SafetensorsFile.Open(path);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in trainable)
        {
            if (!file.Contains(name)) throw CheckpointException.MissingKeys([name]);
            using var saved = file.Read(file[name]);
            parameter.copy_(saved);
        }
    }
}
