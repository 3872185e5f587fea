namespace ModelCompress.Core.Planning;

/// <summary>
/// One GPU model of the planning table: memory as <c>nvidia-smi</c> reports it (MiB) and dense (no sparsity) tensor-core
/// throughput from the vendor's datasheet, in TFLOPS, for bf16, fp16 and fp32 (plain fp32, not TF32).
/// </summary>
public sealed record GpuSpec(string Name, long MemoryMib, double Bf16Tflops, double Fp16Tflops, double Fp32Tflops)
{
    /// <summary>Device memory in bytes.</summary>
    public long MemoryBytes => MemoryMib * 1024 * 1024;
}

/// <summary>The GPUs <c>compute.gpu</c> may name (vendor datasheet figures, dense).</summary>
public static class GpuCatalog
{
    public static readonly IReadOnlyList<GpuSpec> All =
    [
        new("A100-40GB", 40_960, 312, 312, 19.5),
        new("A100-80GB", 81_920, 312, 312, 19.5),
        new("H100-80GB", 81_559, 989.4, 989.4, 66.9),
        new("H200", 143_771, 989.4, 989.4, 66.9),
        new("L40S", 46_068, 362.05, 362.05, 91.6),
        new("L4", 23_034, 121, 121, 30.3),
        new("A10G", 23_028, 125, 125, 31.2),
        new("RTX-4090", 24_564, 165.2, 165.2, 82.6),
    ];

    /// <summary>The names, as pruning.yaml spells them.</summary>
    public static readonly IReadOnlyList<string> Names = [.. All.Select(g => g.Name)];

    /// <summary>The GPU called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static GpuSpec? Find(string name) => All.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
}
