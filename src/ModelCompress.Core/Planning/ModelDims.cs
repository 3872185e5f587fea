using ModelCompress.Core.Model;

namespace ModelCompress.Core.Planning;

/// <summary>The sizes a memory plan needs, from config.json: widths, vocabulary, layers and parameter counts.</summary>
public sealed record ModelDims(int Hidden, int Intermediate, int Heads, int KvHeads, int HeadDim, int Vocab, int Layers, bool Tied,
                               bool AttentionBias, bool OutputBias)
{
    public static ModelDims Of(LlamaConfig c) => new(c.HiddenSize, c.IntermediateSize, c.NumAttentionHeads, c.NumKeyValueHeads,
        c.HeadDim, c.VocabSize, c.NumHiddenLayers, c.TieWordEmbeddings, c.AttentionBias, c.OutputBias);

    /// <summary>The seven projections of a decoder layer: short name, input and output width, bias.</summary>
    public IReadOnlyList<(string Name, long In, long Out, bool Bias)> Projections =>
    [
        ("q", Hidden, (long)Heads * HeadDim, AttentionBias), ("k", Hidden, (long)KvHeads * HeadDim, AttentionBias),
        ("v", Hidden, (long)KvHeads * HeadDim, AttentionBias), ("o", (long)Heads * HeadDim, Hidden, OutputBias),
        ("gate", Hidden, Intermediate, false), ("up", Hidden, Intermediate, false), ("down", Intermediate, Hidden, false),
    ];

    /// <summary>Parameters of one decoder layer: seven projections (and biases) and two RMSNorm weights.</summary>
    public long LayerParameters => Projections.Sum(p => p.In * p.Out + (p.Bias ? p.Out : 0)) + 2L * Hidden;

    /// <summary>Weights of the layer's projections (no biases or norms): what NF4 quantizes.</summary>
    public long ProjectionWeights => Projections.Sum(p => p.In * p.Out);

    /// <summary>The embedding (vocab × hidden); also lm_head's size.</summary>
    public long EmbeddingParameters => (long)Vocab * Hidden;

    /// <summary>All parameters with <paramref name="layers"/> decoder layers; <paramref name="untie"/> counts a separate lm_head.</summary>
    public long Parameters(int layers, bool untie = false) =>
        EmbeddingParameters * (Tied && !untie ? 1 : 2) + Hidden + layers * LayerParameters;

    /// <summary>Parameters a forward pass multiplies per token: the decoder layers and lm_head (the embedding is a lookup).</summary>
    public long MatmulParameters(int layers) => layers * LayerParameters + EmbeddingParameters;
}
