namespace ModelCompress.Core.Planning;

/// <summary>What every memory and time estimate assumes, printed under the plan.</summary>
public static class PlanAssumptions
{
    /// <summary>The assumptions, with the target's memory and throughput sources.</summary>
    public static IReadOnlyList<string> For(PlanTarget target) =>
    [
        $"target: {target.Kind} {target.Name}, {target.DType} compute; " +
        $"memory {PlanVerdict.Gib(target.MemoryBytes)} ({target.MemorySource})",
        $"throughput: {target.Tflops:0.###} TFLOPS effective ({target.TflopsSource}); time = FLOPs / throughput",
        "FLOPs: forward 2 x matmul parameters (layers + lm_head) per token; training full 6x, LoRA/QLoRA 4x, partial " +
        "(2 P + 4 P_tail) per new token and 6 P_tail per cached one",
        "weights at the compute dtype; partial unties a tied lm_head; LoRA adapters, their gradients and AdamW states in fp32; " +
        "partial/full train in the model dtype with two AdamW states (no fp32 master weights); the best weights are copied to host memory",
        "activations: saved tensors of each trained layer at micro_batch_size x max_len (ActivationFormulas), fused attention; " +
        "QLoRA keeps each dequantized weight until backward; on the CPU in bf16 the lm_head matmul holds an fp32 scratch of " +
        "lm_head's size (observed), counted with the logits",
        $"evaluation: batch_size rows of {MemoryPlanner.EvalRowTokens} tokens with {MemoryPlanner.EvalScoredPerRow} scored " +
        "positions each (perplexity: window tokens, all scored); 1000 items a task when no limit, 4 x 64 tokens an item",
        $"runtime: {PlanVerdict.Gib(target.RuntimeBytes)} ({(target.IsGpu ? "CUDA context and allocator slack" : ".NET and libtorch")}); " +
        "no stage uses a teacher model yet (the teacher column is ready for one)",
        "training tokens ~ data file bytes / 4 x epochs (capped by max_steps x batch_size x max_len)",
    ];
}
