using System.Security.Cryptography;
using System.Text;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>Sets up the teacher of a <c>loss: kd</c> run: checks it, names it, and opens its top-K file or loads it live.</summary>
public static class Distillation
{
    /// <summary>
    /// The teacher's dtype: <c>auto</c> is bf16 on CUDA (Minitron's setting: the teacher beside the student in bf16) and the
    /// student's dtype on CPU, where bf16 is only fast with AVX512-BF16 and fp32 keeps the teacher's logits exact.
    /// </summary>
    public static ScalarType TeacherDType(string name, Device device, ScalarType student) =>
        name == "auto" && device.type != TorchSharp.DeviceType.CUDA ? student : ComputeSettings.ResolveDType(name, device);

    /// <summary>Fails (invalid input) unless <paramref name="teacher"/> is a model folder with the student's vocabulary size.</summary>
    public static void CheckTeacher(string teacher, string student)
    {
        if (!File.Exists(Path.Combine(teacher, "config.json")))
            throw new InvalidInputException($"teacher {teacher}: no config.json there; give a Hugging Face model folder.");
        TensorInventory.Validate(teacher);
        int t = LlamaConfig.Load(teacher).VocabSize, s = LlamaConfig.Load(student).VocabSize;
        if (t != s)
            throw new InvalidInputException($"teacher {teacher}: its vocabulary has {t} tokens, the student's {s}; distillation " +
                                            "needs the same tokenizer (use the unpruned base model as the teacher).");
    }

    /// <summary>
    /// An identity of a folder's weights without reading them: the sha256 of its file names, sizes and modification times
    /// (the pipeline passes the base model's content key instead).
    /// </summary>
    public static string FolderId(string folder)
    {
        var lines = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => $"{f.Name}\t{f.Length}\t{f.LastWriteTimeUtc.Ticks}");
        return "files:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", lines))));
    }

    /// <summary>
    /// The teacher of a kd run over <paramref name="examples"/> (training then validation): the top-K file in
    /// <paramref name="workFolder"/> (reused when it matches, else built by one pass of the teacher), or the teacher model live.
    /// </summary>
    public static ITeacher Teacher(TrainingOptions options, string teacherFolder, IReadOnlyList<TrainingExample> examples,
                                   Device device, ScalarType studentDType, string workFolder, IProgressSink progress)
    {
        var kd = options.Distillation ?? throw new ArgumentException("the options do not distill.", nameof(options));
        var dtype = TeacherDType(kd.TeacherDType, device, studentDType);
        LlamaForCausalLM Load()
        {
            progress.Message($"finetune: teacher {teacherFolder} ({TensorDTypes.TorchDtypeName(dtype)})");
            return HfModelFolder.Load(teacherFolder, device, dtype);
        }
        if (kd.Cache == TeacherCacheKind.None) return new LiveTeacher(Load(), kd.Temperature);
        var fingerprint = TopKTeacherCache.Fingerprint(kd.TeacherId, kd.TopK, kd.Temperature, TensorDTypes.TorchDtypeName(dtype),
                                                       device.type.ToString(), examples);
        return TopKTeacherCache.Open(Path.Combine(workFolder, TopKTeacherCache.FileName), fingerprint, examples, kd.TopK,
                                     kd.Temperature, Load, options.MicroBatchSize, progress);
    }
}
