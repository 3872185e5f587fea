using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Tests.Model;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>Run and plan walk the same stage code: on a pipeline with every stage type, the plan's keys are the run's.</summary>
[Collection(GlobalRngCollection.Name)]
public sealed class RunPlanKeysTests : IDisposable
{
    private readonly Stories260KFixture stories = new();
    private readonly TempFolder temp = new();

    [Fact]
    public void EveryStageType_PlanBeforeAndAfterTheRun_GivesTheRunsKeys()
    {
        string text = SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");
        string yaml = $$"""
            name: every-stage
            model: { source: "{{stories.Folder}}" }
            compute: { device: cpu, dtype: fp32, seed: 7 }
            calibration: { text: "{{text}}", samples: 2, seq_len: 32 }
            stages:
              - { id: score, type: score, metric: block-influence }
              - { id: cut, type: prune, scores: score, remove: 1 }
              - { id: steps, type: prune, metric: magnitude-l1, remove: 2, iterative: { step: 1, heal: heal } }
              - { id: heal, type: finetune, data: "{{text}}", format: text, epochs: 1, batch_size: 4, micro_batch_size: 4, max_len: 32, val_size: 0, max_steps: 2, trainable_layers: 1 }
              - { id: eval, type: evaluate, tasks: [arc_easy], perplexity: [wikitext2], limit: 4, window: 32, data: "{{SharedData.Path("eval")}}" }
            """;
        var config = PipelineConfigLoader.Parse(yaml, "every-stage.yaml");
        var options = new RunOptions(temp["runs"]);

        var before = PipelinePlanner.Plan(config, options);
        var run = PipelineRunner.Run(config, PipelineConfigLoader.ToJson(yaml, "every-stage.yaml"), options);
        var after = PipelinePlanner.Plan(config, options);

        var ran = run.Stages.Select(s => (s.Id, s.Type, (string?)s.Key)).ToList();
        Assert.Equal(["score", "cut", "steps.1", "steps.1.heal", "steps.2", "heal", "eval (baseline)", "eval (candidate)"], ran.Select(s => s.Id));
        Assert.Equal(ran, before.Skip(1).Select(r => (r.Id, r.Type, r.Key)));
        Assert.Equal(ran, after.Skip(1).Select(r => (r.Id, r.Type, r.Key)));
        Assert.All(before.Skip(1), r => Assert.False(r.Cached, r.Id));
        Assert.All(after.Skip(1), r => Assert.True(r.Cached, r.Id));
        Assert.Equal([5, 4, 3, 3, 2, 2, 5, 2], before.Skip(1).Select(r => r.Layers));
    }

    public void Dispose()
    {
        temp.Dispose();
        stories.Dispose();
    }
}
