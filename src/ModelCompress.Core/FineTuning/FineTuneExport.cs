using System.Text.Json.Nodes;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>
/// Writes a fine-tuned model as a plain Hugging Face folder: LoRA adapters are merged into their base weights (NF4 bases are
/// dequantized first), so the keys are exactly the HF keys and any HF loader reads the result. Tensors are produced one at
/// a time while writing.
/// </summary>
public static class FineTuneExport
{
    /// <summary>
    /// Saves <paramref name="model"/> in <paramref name="dtype"/> to <paramref name="folder"/> with the tokenizer files of
    /// <paramref name="sideFilesFrom"/>; <paramref name="extraFiles"/> may add files (e.g. finetune.json) before the folder appears.
    /// </summary>
    public static void Save(LlamaForCausalLM model, string folder, ScalarType dtype, string? sideFilesFrom = null,
                            Action<string>? extraFiles = null, long maxShardBytes = CheckpointWriter.DefaultMaxShardBytes)
    {
        var json = (JsonObject)model.Config.Json.DeepClone();
        json["num_hidden_layers"] = model.Config.NumHiddenLayers;
        json["tie_word_embeddings"] = model.Config.TieWordEmbeddings;
        json["torch_dtype"] = TensorDTypes.TorchDtypeName(dtype);
        HfFolderWriter.Write(folder, Tensors(model, dtype), json, sideFilesFrom, maxShardBytes, extraFiles);
    }

    /// <summary>The HF-named tensors of the merged model, each computed when written.</summary>
    public static List<TensorToWrite> Tensors(LlamaForCausalLM model, ScalarType dtype)
    {
        var adapters = model.named_modules().Where(m => m.module is LoraLinear).ToDictionary(m => m.name, m => (LoraLinear)m.module);
        var tensors = new List<TensorToWrite>();
        foreach (var (name, lora) in adapters)
        {
            tensors.Add(Lazy(name + ".weight", [lora.B.shape[0], lora.A.shape[1]], dtype, () => lora.MergedWeight(dtype)));
            if (lora.Bias is { } bias) tensors.Add(Lazy(name + ".bias", bias.shape, dtype, () => bias.detach().to(dtype)));
        }
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name.Contains(".base_layer.", StringComparison.Ordinal) || FineTuneModel.IsAdapter(name)) continue;
            tensors.Add(Lazy(name, parameter.shape, dtype, () => parameter.detach().to(dtype)));
        }
        return tensors;
    }

    private static TensorToWrite Lazy(string name, long[] shape, ScalarType dtype, Func<Tensor> produce) =>
        new(name, TensorDTypes.FromScalarType(dtype), shape, stream =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            stream.Write(produce().cpu().contiguous().bytes);
        });
}
