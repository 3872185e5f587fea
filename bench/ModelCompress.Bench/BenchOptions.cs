using System.Globalization;

namespace ModelCompress.Bench;

/// <summary>Command-line options shared by the benchmarks: <c>--dtype fp32|bf16 --batch 8 --seq 512 --threads 2 --warmup 1 --iters 3 --seed 42</c>.</summary>
internal sealed record BenchOptions
{
    public string DType { get; init; } = "fp32";
    public int Batch { get; init; } = 8;
    public int Seq { get; init; } = 512;
    public int Threads { get; init; } = 2;
    public int Warmup { get; init; } = 1;
    public int Iters { get; init; } = 3;
    public long Seed { get; init; } = 42;
    /// <summary>Only for <c>micro</c>: number of decoder layers in the model (the forward benchmark always uses 12).</summary>
    public int Layers { get; init; } = 12;
    /// <summary>When set, calls glibc <c>mallopt(M_MMAP_THRESHOLD, bytes)</c> before anything is allocated.</summary>
    public int? MmapThreshold { get; init; }

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            o = name switch
            {
                "--dtype" => o with { DType = Value() },
                "--batch" => o with { Batch = Int() },
                "--seq" => o with { Seq = Int() },
                "--threads" => o with { Threads = Int() },
                "--warmup" => o with { Warmup = Int() },
                "--iters" => o with { Iters = Int() },
                "--seed" => o with { Seed = long.Parse(Value(), CultureInfo.InvariantCulture) },
                "--layers" => o with { Layers = Int() },
                "--mmap-threshold" => o with { MmapThreshold = Int() },
                _ => throw new ArgumentException($"unknown option '{name}'"),
            };
        }
        if (o.DType is not ("fp32" or "bf16")) throw new ArgumentException($"--dtype must be fp32 or bf16, not '{o.DType}'");
        if (o.Batch < 1 || o.Seq < 1 || o.Threads < 1 || o.Warmup < 0 || o.Iters < 1 || o.Layers < 1)
            throw new ArgumentException("batch, seq, threads, iters and layers must be >= 1 and warmup >= 0");
        return o;
    }
}
