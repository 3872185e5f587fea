using System.Text.Json.Nodes;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Tests.Model;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>The paper's recipe on stories260K (reverse-order 1 of 5 layers, partial-layer healing on TinyStories, evaluate, gate), run once.</summary>
public sealed class StoriesRecipeFixture : IDisposable
{
    private readonly Stories260KFixture stories = new();
    private readonly TempFolder temp = new();

    public StoriesRecipeFixture()
    {
        string text = SharedData.Path("text", "tinystories", "tinystories_valid_head.txt");
        Yaml = $"""
            name: stories-recipe
            model: {"{"} source: "{stories.Folder}" {"}"}
            compute: {"{"} device: cpu, dtype: fp32, seed: 42 {"}"}
            calibration: {"{"} text: "{text}", samples: 4, seq_len: 64 {"}"}
            stages:
              - {"{"} id: prune, type: prune, metric: reverse-order, remove: 1 {"}"}
              - {"{"} id: heal, type: finetune, method: partial, data: "{text}", format: text, lr: 1.0e-3, epochs: 1, batch_size: 8, micro_batch_size: 8, warmup_steps: 2, max_len: 64, val_size: 8, max_steps: 12 {"}"}
              - {"{"} id: eval, type: evaluate, tasks: [arc_easy, hellaswag], perplexity: [wikitext2], limit: 40, batch_size: 16, window: 64, data: "{SharedData.Path("eval")}" {"}"}
            gates:
              - {"{"} metric: average.acc, max_drop: 0.1 {"}"}
              - {"{"} metric: arc_easy.acc, not_significantly_worse: {"{"} alpha: 0.05 {"}"} {"}"}
              - {"{"} metric: wikitext2.word_perplexity, max_relative_drop: 500 {"}"}
              - {"{"} metric: parameters, max: 250000 {"}"}
            """;
        Out = temp["runs"];
        Outcome = Run(Out);
    }

    public string Yaml { get; }
    public string Out { get; }
    public RunOutcome Outcome { get; }
    public string Temp(string name) => temp[name];

    public RunOutcome Run(string outRoot, IReadOnlyList<string>? overrides = null, bool resume = false, IProgressSink? progress = null,
                          CancellationToken cancellation = default)
    {
        var config = PipelineConfigLoader.Parse(Yaml, "stories.yaml", overrides);
        JsonObject effective = PipelineConfigLoader.ToJson(Yaml, "stories.yaml", overrides);
        return PipelineRunner.Run(config, effective, new RunOptions(outRoot, resume, progress), cancellation);
    }

    public void Dispose()
    {
        temp.Dispose();
        stories.Dispose();
    }
}
