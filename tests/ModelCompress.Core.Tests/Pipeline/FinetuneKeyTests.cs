using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Pipeline.Stages;
using ModelCompress.Core.Tests.Model;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>What a finetune stage's cache key hashes: its settings (the kd fields only with loss: kd) and the teacher.</summary>
public sealed class FinetuneKeyTests : IDisposable
{
    // Settings(stage) of this stage before loss: kd existed (captured from the code of commit 122ed36).
    private static readonly string BeforeKd = """
        {"type":"finetune","method":"partial","data":"train.txt","format":"text","template":"alpaca",
        "trainable_layers":3,"lora":{"r":8,"alpha":16,"dropout":0.05,"targets":["q","k","v","o","gate","up","down"]},
        "lr":1E-05,"epochs":2,"batch_size":64,"micro_batch_size":4,"warmup_steps":100,"max_len":256,"val_size":2000,
        "max_steps":3,"eval_steps":200,"save_steps":50,"id":""}
        """.ReplaceLineEndings("");

    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static FinetuneStage Stage(string extra = "") => PipelineConfigLoader.Parse($$"""
        name: keyed
        model: { source: base }
        stages:
          - { id: heal, type: finetune, data: train.txt, format: text, max_steps: 3{{extra}} }
        """, "keyed.yaml").Stages.OfType<FinetuneStage>().Single();

    private static string Settings(string extra = "") => Stage(extra).KeySettings().ToJsonString();

    [Fact]
    public void CrossEntropyStage_KeySettingsByteIdenticalToBeforeKd_KdFieldsIgnored()
    {
        Assert.Equal(BeforeKd, Settings());
        Assert.Equal(BeforeKd, Settings(", loss: ce, temperature: 3, alpha: 0.2, k: 5, teacher_cache: none, teacher_dtype: bf16"));
    }

    [Fact]
    public void KdStage_EveryKdFieldChangesTheSettings_KOnlyWithATopKCache_TeacherByContentNotPath()
    {
        string kd = Settings(", loss: kd");
        string[] variants =
        [
            BeforeKd, kd, Settings(", loss: kd, temperature: 2"), Settings(", loss: kd, alpha: 0.5"), Settings(", loss: kd, k: 8"),
            Settings(", loss: kd, teacher_cache: none"),
            Settings(", loss: kd, teacher_dtype: bf16"),
        ];
        Assert.Equal(variants.Length, variants.Distinct().Count());
        Assert.Equal(kd, Settings(", loss: kd, temperature: 1, alpha: 1, k: 64"));
        Assert.Equal(Settings(", loss: kd, teacher_cache: none"), Settings(", loss: kd, teacher_cache: none, k: 8"));
        Assert.Equal(kd, Settings(", loss: kd, teacher: elsewhere")); // the teacher's content key is its own part of the key
    }

    [Fact]
    public void PlannedKeys_CeIgnoresKdFields_KdFollowsTheTeachersContent()
    {
        var stories = new Stories260KFixture();
        try
        {
            File.WriteAllText(Path.Combine(temp.Path, "train.txt"), "Once upon a time there was a cat.\n");
            string teacherA = Copy(stories.Folder, "teacher-a"), teacherB = Copy(stories.Folder, "teacher-b");
            File.AppendAllText(Path.Combine(teacherB, "config.json"), " ");
            string Key(string extra) => PlanKey(stories.Folder, extra);
            Assert.Equal(Key(""), Key(", temperature: 4, k: 3"));
            string[] keys = [Key(""), Key(", loss: kd"), Key($", loss: kd, teacher: {teacherA}"), Key($", loss: kd, teacher: {teacherB}")];
            Assert.Equal(keys.Length, keys.Distinct().Count());
            Assert.Equal(Key($", loss: kd, teacher: {teacherA}"), Key($", loss: kd, teacher: {Copy(teacherA, "teacher-a2")}"));
        }
        finally { stories.Dispose(); }
    }

    private string PlanKey(string model, string extra)
    {
        string yaml = $$"""
            name: keyed
            model: { source: "{{model}}" }
            compute: { device: cpu, dtype: fp32, seed: 7 }
            stages:
              - { id: heal, type: finetune, data: "{{Path.Combine(temp.Path, "train.txt")}}", format: text, max_steps: 3{{extra}} }
            """;
        var plan = PipelinePlanner.Plan(PipelineConfigLoader.Parse(yaml, "keyed.yaml"), new RunOptions(temp["runs"]));
        return plan.Single(r => r.Id == "heal").Key!;
    }

    private string Copy(string from, string name)
    {
        string to = temp[name];
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }
}
