using ModelCompress.Core.Checkpoints;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// What <c>dotnet compress finetune</c> asks for: model and data in, healed HF folder out. <paramref name="TeacherFolder"/> is the
/// distillation teacher (an HF folder with the student's vocabulary), required when the options distill.
/// </summary>
public sealed record FineTuneRequest(
    string ModelFolder, string OutFolder, string DataFile, DataFormat Format, PromptTemplateKind Template, TrainingOptions Options,
    Device Device, ScalarType DType, string CheckpointFolder, string? TeacherFolder = null)
{
    /// <summary>Where each part goes when the model is split over several devices; null: everything on <see cref="Device"/>.</summary>
    public PlacementRule? Place { get; init; }
}

/// <summary>The <c>finetune.json</c> written beside the exported weights.</summary>
public sealed record FineTuneReport(
    string Method, string BaseModel, string Data, string DataSha256, string Format, string Template, int TrainExamples,
    int ValidationExamples, TrainingOptions Hyperparameters, string DType, long TrainableParameters, int Steps, int TotalSteps,
    int BestStep, double? BestValidationLoss, double TokensPerSecond, double Seconds, IReadOnlyList<LossPoint> LossCurve,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Teacher = null);

/// <summary>Reads the data, loads the model for the method, trains, and exports a plain HF folder with finetune.json.</summary>
public static class FineTuneRun
{
    public static FineTuneReport Run(FineTuneRequest request, IProgressSink progress, CancellationToken cancellation = default)
    {
        var options = request.Options;
        options.Validate();
        TensorInventory.Validate(request.ModelFolder); // a bad folder fails before data is tokenized
        if (options.Distillation is { } kd)
        {
            string teacherFolder = request.TeacherFolder
                ?? throw new InvalidInputException("loss kd needs a teacher model folder (--teacher DIR).");
            Distillation.CheckTeacher(teacherFolder, request.ModelFolder);
            if (kd.TeacherId.Length == 0)
                options = options with { Distillation = kd with { TeacherId = Distillation.FolderId(teacherFolder) } };
        }
        var tokenizer = TokenizerLoader.FromFolder(request.ModelFolder);
        if (!File.Exists(request.DataFile)) throw new FileNotFoundException($"{request.DataFile}: file not found.", request.DataFile);
        var examples = request.Format == DataFormat.Text
            ? TrainingExamples.FromText(InputText.ReadNonEmpty(request.DataFile, "training text"), tokenizer, options.MaxLength)
            : TrainingExamples.FromRecords(
                InstructionDatasetReader.Read(request.DataFile, request.Format), request.Template, tokenizer, options.MaxLength);
        if (examples.Count == 0) throw DatasetException.Empty(request.DataFile);
        var (train, validation) = DataSplit.Split(examples, options.ValidationSize, options.Seed, request.DataFile);
        progress.Message($"finetune: {train.Count} training and {validation.Count} validation examples from {request.DataFile}");

        using var model = FineTuneModel.Load(request.ModelFolder, options.Method, options.Lora,
                                             request.Place ?? (c => LayerPlacement.Single(request.Device, c.NumHiddenLayers)),
                                             request.DType, options.Seed);
        using var teacher = options.Distillation is null ? null
            : Distillation.Teacher(options, request.TeacherFolder!, [.. train, .. validation], request.Device, request.DType,
                                   request.CheckpointFolder, progress);
        var result = Trainer.Train(model, train, validation, options, request.CheckpointFolder, progress, cancellation, teacher);
        var report = new FineTuneReport(options.Method.ToString().ToLowerInvariant(), Path.GetFullPath(request.ModelFolder),
            Path.GetFullPath(request.DataFile), Sha256(request.DataFile), request.Format.ToString().ToLowerInvariant(),
            request.Template.ToString().ToLowerInvariant(), train.Count, validation.Count, options,
            Checkpoints.TensorDTypes.TorchDtypeName(request.DType), result.TrainableParameters, result.Steps, result.TotalSteps,
            result.BestStep, result.BestValidationLoss, result.TokensPerSecond, result.Seconds, result.LossCurve,
            request.TeacherFolder is null || options.Distillation is null ? null : Path.GetFullPath(request.TeacherFolder));
        FineTuneExport.Save(model, request.OutFolder, request.DType, request.ModelFolder, folder =>
            File.WriteAllText(Path.Combine(folder, "finetune.json"), JsonSerializer.Serialize(report, JsonDefaults.Indented)));
        teacher?.Dispose(); // the top-K file lives in the checkpoint folder
        if (Directory.Exists(request.CheckpointFolder)) Directory.Delete(request.CheckpointFolder, recursive: true);
        progress.Message($"finetune: wrote {request.OutFolder} (best step {result.BestStep}, " +
                         $"{result.TrainableParameters:N0} trainable parameters)");
        return report;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
