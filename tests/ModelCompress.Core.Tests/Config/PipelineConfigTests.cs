using System.Text.Json.Nodes;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Pipeline.Stages;

namespace ModelCompress.Core.Tests.Config;

public sealed class PipelineConfigTests
{
    public const string Valid = """
        name: llama-3.1-8b-24
        model:
          source: models/llama
        compute:
          device: cpu
        calibration:
          text: data/wiki.txt
        stages:
          - id: score
            type: score
            metric: block-influence
          - id: prune
            type: prune
            scores: score
            remove: 25%
          - id: heal
            type: finetune
            data: data/alpaca.json
            lora: { r: 16 }
          - id: eval
            type: evaluate
            tasks: [arc_easy, piqa]
            perplexity: [wikitext2]
            limit: 200
        gates:
          - metric: average.acc
            max_drop: 0.05
          - metric: arc_easy.acc
            not_significantly_worse: { alpha: 0.01 }
          - metric: wikitext2.word_perplexity
            max_relative_drop: 20
        """;

    [Fact]
    public void Parse_ValidFile_FillsDefaults()
    {
        var config = PipelineConfigLoader.Parse(Valid, "pruning.yaml");
        Assert.Equal("llama-3.1-8b-24", config.Name);
        Assert.Equal(("cpu", "auto", 0, 42L), (config.Compute.Device, config.Compute.Dtype, config.Compute.Threads, config.Compute.Seed));
        Assert.Equal((10, 128), (config.Calibration!.Samples, config.Calibration.SeqLen));
        var heal = Assert.IsType<FinetuneStage>(config.Stages[2]);
        Assert.Equal((Core.FineTuning.FineTuneMethod.Partial, 3, 1e-5, 64, 4, 100, 256, 2000), (heal.Method, heal.TrainableLayers, heal.Lr, heal.BatchSize, heal.MicroBatchSize, heal.WarmupSteps, heal.MaxLen, heal.ValSize));
        Assert.Equal((16, 16.0, 0.05), (heal.Lora.R, heal.Lora.Alpha, heal.Lora.Dropout));
        Assert.Equal(["q", "k", "v", "o", "gate", "up", "down"], heal.Lora.Targets);
        var prune = Assert.IsType<PruneStage>(config.Stages[1]);
        Assert.Equal(("score", "25%"), (prune.Scores, prune.Remove?.ToString()));
        Assert.Equal(0.01, config.Gates[1].NotSignificantlyWorse!.Alpha);
        Assert.Empty(config.Publish.Targets);
        Assert.True(config.Publish.Github);
        Assert.Null(config.Gates[0].NotSignificantlyWorse);
    }

    [Fact]
    public void EffectiveConfig_RoundTripsThroughYaml()
    {
        var json = PipelineConfigLoader.ToJson(Valid, "pruning.yaml");
        string yaml = YamlWriter.Write(json);
        var again = PipelineConfigLoader.ToJson(yaml, "round-trip.yaml");
        Assert.Equal(json.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void FiveMistakes_AreAllReportedWithLineAndColumn()
    {
        const string broken = """
            name: demo
            model:
              source: models/llama
            compute:
              device: gpu
            stages:
              - id: prune
                type: prune
                metric: reverse-order
                remov: 25%
              - id: heal
                type: finetune
                data: alpaca.json
                epochs: two
            gates:
              - metric: average.acc
                max_drop: -1
            """;
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(broken, "pruning.yaml"));
        Assert.Equal(
        [
            "pruning.yaml:5:11: compute.device: 'gpu' is not one of: auto, cpu, cuda. Hint: did you mean 'cpu'?",
            "pruning.yaml:7:5: stages[0] (prune): missing 'remove' (a count such as 8 or a percentage such as 25%).",
            "pruning.yaml:10:5: stages[0] (prune).remov: unknown field 'remov' in prune. Hint: did you mean 'remove'?",
            "pruning.yaml:14:13: stages[1] (finetune).epochs: 'two' is not a whole number.",
            "pruning.yaml:17:15: gates[0].max_drop: -1 is below the minimum 0.",
        ], error.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Overrides_AreAppliedAndTypeChecked()
    {
        var config = PipelineConfigLoader.Parse(Valid, "pruning.yaml", ["stages.heal.epochs=1", "compute.dtype=bf16", "gates.0.max_drop=0.1"]);
        Assert.Equal(1, Assert.IsType<FinetuneStage>(config.Stages[2]).Epochs);
        Assert.Equal("bf16", config.Compute.Dtype);
        Assert.Equal(0.1, config.Gates[0].MaxDrop);

        var error = Assert.Throws<ConfigException>(() =>
            PipelineConfigLoader.Parse(Valid, "pruning.yaml", ["stages.heal.epochs=many", "stages.nope.lr=1", "compute.device=tpu"]));
        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.Message == "'many' is not a whole number. (from --set stages.heal.epochs=many)");
        Assert.Contains(error.Errors, e => e.Message == "--set stages.nope.lr=1: no item 'nope' in stages.");
        Assert.Contains(error.Errors, e => e.Message.StartsWith("'tpu' is not one of: auto, cpu, cuda.", StringComparison.Ordinal));
    }

    [Fact]
    public void ModelIdAndLicense_AreOptional_AndMustBeHubIds()
    {
        const string Stages = "stages:\n  - { id: p, type: prune, layers: \"1\" }\n";
        var plain = PipelineConfigLoader.Parse("name: x\nmodel: { source: m }\n" + Stages, "p.yaml").Model;
        Assert.Equal(new ModelSource("m", null), plain);
        var named = PipelineConfigLoader.Parse("name: x\nmodel: { source: m, id: meta-llama/Llama-3.1-8B, license: llama3.1 }\n" + Stages,
            "p.yaml").Model;
        Assert.Equal(new ModelSource("m", null, "meta-llama/Llama-3.1-8B", "llama3.1"), named);
        var messages = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(
            "name: x\nmodel: { source: m, id: /home/me/llama, license: Apache 2.0 }\n" + Stages, "p.yaml")).Errors.Select(e => e.Message).ToList();
        Assert.Equal(["'/home/me/llama' is not a Hub id: OWNER/NAME or NAME.",
            "'Apache 2.0' is not a Hub licence id in lower case: apache-2.0, mit, llama3.1, other."], messages);
    }

    [Fact]
    public void MmluCategoryGates_NeedAnMmluEvaluation()
    {
        const string Gate = "gates:\n  - { metric: mmlu_stem.acc, max_drop: 0.05 }\n";
        var withMmlu = PipelineConfigLoader.Parse("name: x\nmodel: { source: m }\nstages:\n  - { id: e, type: evaluate, tasks: [mmlu] }\n" + Gate, "p.yaml");
        Assert.Equal("mmlu_stem.acc", Assert.Single(withMmlu.Gates).Metric);
        var error = Assert.Single(Assert.Throws<ConfigException>(() =>
            PipelineConfigLoader.Parse("name: x\nmodel: { source: m }\nstages:\n  - { id: e, type: evaluate, tasks: [piqa] }\n" + Gate, "p.yaml")).Errors);
        Assert.Equal("metric 'mmlu_stem.acc' refers to 'mmlu_stem', which no evaluate stage produces.", error.Message);
    }

    [Fact]
    public void CrossFieldRules_AreChecked()
    {
        const string yaml = """
            name: demo
            model: { source: m }
            stages:
              - { id: a, type: prune, metric: taylor, layers: "1-2" }
              - { id: a, type: prune, scores: missing, remove: 2, iterative: { step: 1, heal: nothing } }
            gates:
              - { metric: arc_easy.acc, min: 0.5 }
              - { metric: average.acc }
            """;
        var messages = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, "p.yaml")).Errors.Select(e => e.Message).ToList();
        Assert.Contains("choose exactly one of metric, scores or layers.", messages);
        Assert.Contains("stage id 'a' is used twice.", messages);
        Assert.Contains("scores refers to 'missing', which is not an earlier score stage.", messages);
        Assert.Contains("iterative pruning re-scores between steps, so it needs a metric.", messages);
        Assert.Contains("iterative.heal refers to 'nothing', which is not a finetune stage.", messages);
        Assert.Contains("a stage uses a data-driven metric but there is no calibration section.", messages);
        Assert.Contains("metric 'arc_easy.acc' refers to 'arc_easy', which no evaluate stage produces.", messages);
        Assert.Contains("a gate needs at least one condition.", messages);
    }

    [Fact]
    public void Repair_NeedsAnEarlierPruneAndCalibration()
    {
        const string yaml = """
            name: demo
            model: { source: m }
            stages:
              - { id: r, type: repair, method: linear }
              - { id: p, type: prune, layers: "1" }
            """;
        var messages = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse(yaml, "p.yaml")).Errors
            .Select(e => e.Message).ToList();
        Assert.Contains("repair needs a pruned model: put it after a prune stage.", messages);
        Assert.Contains("a stage uses a data-driven metric but there is no calibration section.", messages);
    }

    [Fact]
    public void InvalidYaml_IsReportedWithPosition()
    {
        var error = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Parse("name: [unclosed", "p.yaml"));
        Assert.Single(error.Errors);
        Assert.StartsWith("p.yaml:2:1: not valid YAML:", error.Errors[0].ToString());
    }
}
