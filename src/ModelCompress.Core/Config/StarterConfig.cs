namespace ModelCompress.Core.Config;

/// <summary>The commented pruning.yaml that <c>dotnet compress init</c> writes: the paper's recipe, ready to edit.</summary>
public static class StarterConfig
{
    public const string Text = """
        # pruning.yaml — a layer-pruning pipeline for `dotnet compress run`.
        # Recipe of Lu et al. (2024), "Reassessing Layer Pruning in LLMs": remove the last 25% of the decoder layers,
        # heal by training lm_head, the final norm and the last three remaining layers, evaluate against the baseline.
        # Every field: `dotnet compress schema` (JSON Schema) or the README's pruning.yaml reference.
        name: my-model-pruned

        model:
          source: models/base            # a Hugging Face folder, or az://ACCOUNT/CONTAINER/PREFIX
          # id: meta-llama/Llama-3.1-8B  # the Hub id the model card names as base_model
          # license: llama3.1            # the card's licence (default: the base folder's README.md front matter)

        compute:
          device: auto                   # auto | cpu | cuda
          dtype: auto                    # auto (bf16 on CUDA, fp32 on CPU) | fp32 | bf16 | fp16 (CUDA)
          seed: 42

        calibration:                     # text for data-driven metrics (taylor, perplexity, block-influence, angular)
          text: data/calibration.txt
          samples: 10
          seq_len: 128

        stages:
          - id: prune
            type: prune
            metric: reverse-order        # the paper's best; or taylor, perplexity, block-influence, angular, ...
            remove: 25%                  # a count (8) or a percentage
          - id: heal
            type: finetune
            method: partial              # partial | lora | qlora | full
            trainable_layers: 3
            data: data/alpaca_data_cleaned.json
            format: alpaca
            lr: 1.0e-5
            epochs: 2
          - id: eval
            type: evaluate
            tasks: [arc_easy, arc_challenge, piqa, hellaswag, winogrande, openbookqa]
            perplexity: [wikitext2]

        gates:
          - metric: average.acc
            max_drop: 0.10               # at most 10 points of average accuracy lost
          - metric: wikitext2.word_perplexity
            max_relative_drop: 50        # perplexity at most 50% higher than the baseline's

        publish:
          targets: []                    # e.g. az://myaccount/models/pruned
          github: true                   # comment on the pull request when run from one
        """;
}
