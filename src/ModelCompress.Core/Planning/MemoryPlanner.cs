using ModelCompress.Core.FineTuning;

namespace ModelCompress.Core.Planning;

/// <summary>
/// Peak memory and time of each kind of stage for one model on one target, from the model's sizes alone (formulas in
/// <see cref="ActivationFormulas"/>; assumptions in <see cref="PlanAssumptions"/>). Weights are at the compute dtype; a streaming
/// stage holds one decoder layer and the embeddings. Time is FLOPs over the target's throughput.
/// </summary>
public sealed partial class MemoryPlanner(ModelDims dims, PlanTarget target)
{
    /// <summary>Tokens of a multiple-choice evaluation row, and scored (continuation) positions per row (assumptions).</summary>
    public const int EvalRowTokens = 256, EvalScoredPerRow = 64;

    /// <summary>NF4 with double quantization: 4 bits + one int8 scale per 64 values + one fp32 per 64·256 values.</summary>
    public const double Nf4BytesPerValue = 0.5 + 1.0 / 64 + 4.0 / (64 * 256);

    private int S => target.DTypeBytes;

    /// <summary>
    /// On the CPU in bf16, libtorch's matmul with lm_head holds an fp32 scratch of lm_head's size (V × h × 4 bytes): observed,
    /// not traced — a resident block of that size in bench/run-plan-memory.sh's partial heal, an excess of about that size in
    /// its evaluation; counted with the logits.
    /// </summary>
    public long HeadScratch => !target.IsGpu && S == 2 ? dims.EmbeddingParameters * 4 : 0;

    public ModelDims Dims => dims;
    public PlanTarget Target => target;

    /// <summary>An evaluate stage: the whole model, <paramref name="batch"/> rows of <paramref name="rowTokens"/> and the
    /// logits of <paramref name="scoredPerRow"/> positions a row; <paramref name="masked"/> adds the packed rows' (B, T, T) mask.</summary>
    public StageEstimate Evaluate(int layers, int batch, int rowTokens, int scoredPerRow, bool masked, double tokens)
    {
        long n = (long)batch * rowTokens;
        long activations = n * ActivationFormulas.ForwardLayer(dims, S) + 2 * n * dims.Hidden * S + (masked ? n * rowTokens : 0);
        long logits = (long)batch * scoredPerRow * ActivationFormulas.EvaluationLogits(dims, S) + HeadScratch;
        var memory = new MemoryEstimate(dims.Parameters(layers) * S, 0, 0, activations, logits, 0, 0, target.RuntimeBytes, 0);
        return Placed(StageEstimate.On(target, memory, 2.0 * dims.MatmulParameters(layers) * tokens, false,
            $"weights {dims.Parameters(layers):N0} x {S} B; one layer's forward at {batch} x {rowTokens} tokens; logits of " +
            $"{batch} x {scoredPerRow} positions x V x (s + 8)"), layers, null);
    }

    /// <summary>A forward-only pass over <paramref name="tokens"/> (scoring); <paramref name="streams"/> holds one layer at a time;
    /// <paramref name="gradients"/> (taylor) keeps a gradient per weight and every layer's saved activations.</summary>
    public StageEstimate Forward(int layers, int batch, int seqLen, double tokens, int passes, bool streams, bool gradients)
    {
        long n = (long)batch * seqLen;
        long weights = streams ? (dims.LayerParameters + dims.EmbeddingParameters * (dims.Tied ? 1 : 2) + dims.Hidden) * S
            : dims.Parameters(layers) * S;
        long activations = gradients ? layers * n * ActivationFormulas.FullLayer(dims, S)
            : n * ActivationFormulas.ForwardLayer(dims, S) + 2 * n * dims.Hidden * S;
        long logits = n * (gradients ? ActivationFormulas.TrainingLogits(dims, S) : ActivationFormulas.EvaluationLogits(dims, S))
                      + HeadScratch;
        var memory = new MemoryEstimate(weights, gradients ? dims.Parameters(layers) * S : 0, 0, activations, logits, 0, 0,
            target.RuntimeBytes, 0);
        double flops = (gradients ? 6.0 : 2.0 * passes) * dims.MatmulParameters(layers) * tokens;
        return Placed(StageEstimate.On(target, memory, flops, streams, streams ? "one layer + embeddings at a time" : "whole model"),
            layers, null);
    }

    /// <summary>A streaming copy of the kept tensors (prune): the largest tensor at a time, no FLOPs.</summary>
    public StageEstimate Copy() =>
        StageEstimate.On(target, new MemoryEstimate(dims.EmbeddingParameters * S, 0, 0, 0, 0, 0, 0, target.RuntimeBytes, 0), 0, true,
            "tensors are copied one at a time (the largest: the embedding)");

    /// <summary>Parameters <paramref name="options"/> trains on a model of <paramref name="layers"/> layers.</summary>
    public long Trainable(TrainingOptions options, int layers) => options.Method switch
    {
        FineTuneMethod.Full => dims.Parameters(layers),
        FineTuneMethod.Partial => dims.EmbeddingParameters + dims.Hidden
                                  + (long)Math.Min(options.TrainableLayers, layers) * dims.LayerParameters,
        _ => layers * LoraPerLayer(options.Lora),
    };

    /// <summary>
    /// A finetune stage. <paramref name="tokens"/> are all trained tokens, <paramref name="freshTokens"/> those seen for the first
    /// time (partial runs the frozen prefix only for them), <paramref name="cachedTokens"/> the tokens the hidden-state cache
    /// holds (0 without one), <paramref name="spills"/> whether the cache is on disk.
    /// </summary>
    public StageEstimate Train(TrainingOptions options, int layers, double tokens, double freshTokens, long cachedTokens, bool spills)
    {
        var method = options.Method;
        bool lora = method is FineTuneMethod.Lora or FineTuneMethod.QLora;
        long trainable = Trainable(options, layers);
        int stateBytes = lora ? 4 : S;                                   // LoRA adapters are fp32; others train in the model dtype
        long n = (long)options.MicroBatchSize * options.MaxLength;
        int k = method == FineTuneMethod.Partial ? Math.Min(options.TrainableLayers, layers) : layers;
        var targets = options.Lora.TargetList.ToHashSet();
        long weights = method switch
        {
            FineTuneMethod.QLora => (long)Math.Ceiling(layers * dims.ProjectionWeights * Nf4BytesPerValue)
                                    + (dims.Parameters(layers) - layers * dims.ProjectionWeights) * S + trainable * 4,
            FineTuneMethod.Lora => dims.Parameters(layers) * S + trainable * 4,
            _ => dims.Parameters(layers, untie: method == FineTuneMethod.Partial) * S,
        };
        long perLayer = lora ? ActivationFormulas.LoraLayer(dims, S, options.Lora.Rank, targets) : ActivationFormulas.FullLayer(dims, S);
        long activations = k * n * perLayer;
        // NF4 projections dequantize in each forward; autograd keeps the dense weight for the input gradient until backward.
        if (method == FineTuneMethod.QLora) activations += layers * dims.ProjectionWeights * S;
        long logits = n * ActivationFormulas.TrainingLogits(dims, S) + HeadScratch;
        long largest = lora ? dims.Projections.Where(p => targets.Contains(p.Name)).Max(p => p.In + p.Out) * options.Lora.Rank
            : method == FineTuneMethod.Partial || dims.EmbeddingParameters > dims.Intermediate * (long)dims.Hidden
                ? dims.EmbeddingParameters : dims.Intermediate * (long)dims.Hidden;
        var memory = new MemoryEstimate(weights, trainable * stateBytes, 2 * trainable * stateBytes, activations, logits,
            spills ? 0 : cachedTokens * dims.Hidden * S, 0, target.RuntimeBytes, options.ValidationSize > 0 ? trainable * stateBytes : 0,
            2 * largest * stateBytes);
        return Placed(StageEstimate.On(target, memory, TrainingFlops(options, layers, tokens, freshTokens), false,
            Formula(options, k, perLayer)), layers, options);
    }

    /// <summary>
    /// A distilling finetune stage (<c>loss: kd</c>): <paramref name="train"/> plus the teacher's weights at
    /// <paramref name="teacherBytes"/> per parameter (resident beside the student: all run on the fly, during the first pass with
    /// a top-K file) and, on the fly, its micro-batch logits (V·(s_t + 8) per token); FLOPs add its forward over
    /// <paramref name="teacherTokens"/>. The top-K file (<paramref name="topKFileBytes"/>) is on disk, not in memory.
    /// </summary>
    public StageEstimate WithTeacher(StageEstimate train, TrainingOptions options, ModelDims teacher, int teacherBytes,
                                     double teacherTokens, long topKFileBytes)
    {
        bool live = options.Distillation?.Cache == TeacherCacheKind.None;
        long logits = live ? (long)options.MicroBatchSize * options.MaxLength * teacher.Vocab * (teacherBytes + 8) : 0;
        var memory = train.Memory with { Teacher = teacher.Parameters(teacher.Layers) * teacherBytes + logits };
        string file = live ? "teacher on the fly" : $"teacher top-K file {topKFileBytes / 1048576.0:0.#} MiB on disk";
        return StageEstimate.On(target, memory, train.Flops + 2.0 * teacher.MatmulParameters(teacher.Layers) * teacherTokens,
            train.Streams, $"{train.Formula}; {file}, its weights {teacher.Parameters(teacher.Layers):N0} x {teacherBytes} B");
    }

    /// <summary>
    /// Training FLOPs: full 6·P·tokens; LoRA/QLoRA 4·P·tokens (forward and the input gradients through every layer; the adapters'
    /// weight gradients are negligible); partial (2·P + 4·P_tail) per fresh token and 6·P_tail per token whose prefix output is
    /// cached, P_tail = the last k layers + lm_head. P counts matmul parameters (layers + lm_head).
    /// </summary>
    public double TrainingFlops(TrainingOptions options, int layers, double tokens, double freshTokens)
    {
        double p = dims.MatmulParameters(layers);
        double tail = Math.Min(options.TrainableLayers, layers) * (double)dims.LayerParameters + dims.EmbeddingParameters;
        return options.Method switch
        {
            FineTuneMethod.Full => 6 * p * tokens,
            FineTuneMethod.Partial when options.HiddenStateCache => (2 * p + 4 * tail) * freshTokens + 6 * tail * (tokens - freshTokens),
            FineTuneMethod.Partial => (2 * p + 4 * tail) * tokens,
            _ => 4 * p * tokens + 6.0 * layers * LoraPerLayer(options.Lora) * tokens,
        };
    }

    private long LoraPerLayer(LoraSettings lora) =>
        dims.Projections.Where(p => lora.TargetList.Contains(p.Name)).Sum(p => (p.In + p.Out) * lora.Rank);

    private string Formula(TrainingOptions o, int k, long perLayer) =>
        $"{k} layer(s) x {o.MicroBatchSize} x {o.MaxLength} tokens x {perLayer:N0} B/token saved; logits x V x (s + 12); " +
        (o.Method is FineTuneMethod.Lora or FineTuneMethod.QLora ? "fp32 adapters, gradients and AdamW states"
            : $"gradients and two AdamW states in {(S == 4 ? "fp32" : "the model dtype")} (no fp32 master copy)");
}
