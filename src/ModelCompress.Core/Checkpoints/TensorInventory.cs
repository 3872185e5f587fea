using ModelCompress.Core.Model;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// The tensors a config implies, by Hugging Face key, with their shapes — computed from the config alone, so the
/// streaming verbs (score, prune) can check a checkpoint against it from the safetensors headers without building a model.
/// A contract test keeps it equal to the built model's state dict.
/// </summary>
public static class TensorInventory
{
    public static IReadOnlyDictionary<string, long[]> Expected(LlamaConfig c)
    {
        long hidden = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = c.KvDim, ffn = c.IntermediateSize;
        var tensors = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["model.embed_tokens.weight"] = [c.VocabSize, hidden] };
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            string p = $"model.layers.{i}.";
            tensors[p + "self_attn.q_proj.weight"] = [q, hidden];
            tensors[p + "self_attn.k_proj.weight"] = [kv, hidden];
            tensors[p + "self_attn.v_proj.weight"] = [kv, hidden];
            tensors[p + "self_attn.o_proj.weight"] = [hidden, q];
            if (c.AttentionBias)
            {
                tensors[p + "self_attn.q_proj.bias"] = [q];
                tensors[p + "self_attn.k_proj.bias"] = [kv];
                tensors[p + "self_attn.v_proj.bias"] = [kv];
            }
            if (c.OutputBias) tensors[p + "self_attn.o_proj.bias"] = [hidden];
            tensors[p + "mlp.gate_proj.weight"] = [ffn, hidden];
            tensors[p + "mlp.up_proj.weight"] = [ffn, hidden];
            tensors[p + "mlp.down_proj.weight"] = [hidden, ffn];
            tensors[p + "input_layernorm.weight"] = [hidden];
            tensors[p + "post_attention_layernorm.weight"] = [hidden];
        }
        tensors["model.norm.weight"] = [hidden];
        if (!c.TieWordEmbeddings) tensors["lm_head.weight"] = [c.VocabSize, hidden];
        return tensors;
    }

    /// <summary>
    /// Checks the checkpoint's tensors against the config: every missing, unexpected (other than a tied head saved anyway and
    /// old rotary tables) and mis-shaped tensor, and any non-floating dtype, reported together with the folder's name.
    /// </summary>
    public static void Check(LlamaConfig config, CheckpointReader reader)
    {
        var expected = Expected(config);
        var problems = new List<string>();
        var missing = expected.Keys.Where(k => !reader.Contains(k)).ToList();
        if (missing.Count > 0) problems.Add($"tensors the config needs are missing: {Summarize(missing)}");
        var unexpected = reader.Names.Where(n => !expected.ContainsKey(n) && !IgnoredExtra(n, config)).ToList();
        if (unexpected.Count > 0) problems.Add($"tensors the config does not describe: {Summarize(unexpected)}");
        foreach (var (name, shape) in expected)
        {
            if (!reader.Contains(name)) continue;
            var entry = reader.Locate(name).Entry;
            if (!entry.Shape.SequenceEqual(shape))
                problems.Add($"'{name}' has shape [{string.Join(", ", entry.Shape)}] but the config implies [{string.Join(", ", shape)}]");
            else if (!entry.DType.IsFloatingPoint())
                problems.Add($"'{name}' is {entry.DType}, not a floating-point dtype");
        }
        if (problems.Count > 0)
            throw new CheckpointException(
                $"{reader.Folder}: the checkpoint does not match its config.json: {string.Join("; ", problems.Take(5))}"
                + (problems.Count > 5 ? $"; and {problems.Count - 5} more problems" : "")
                + ". Check that config.json and the safetensors files come from the same model (num_hidden_layers, hidden_size, heads).");
    }

    /// <summary>Reads a model folder's config and checks its checkpoint's headers against it (no weight is read).</summary>
    public static LlamaConfig Validate(string folder)
    {
        var config = LlamaConfig.Load(folder);
        using var reader = CheckpointReader.Open(folder);
        Check(config, reader);
        return config;
    }

    private static bool IgnoredExtra(string name, LlamaConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");

    private static string Summarize(List<string> keys) =>
        string.Join(", ", keys.Take(6)) + (keys.Count > 6 ? $" and {keys.Count - 6} more" : "");
}
