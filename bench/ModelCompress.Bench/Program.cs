using ModelCompress.Bench;

const string Usage = """
    usage: ModelCompress.Bench forward [--dtype fp32|bf16] [--batch 8] [--seq 512] [--threads 2] [--warmup 1] [--iters 3] [--seed 42]
                                       [--mmap-threshold BYTES]  (glibc mallopt, to test peak RSS)
           ModelCompress.Bench micro   [same options] [--layers 12]   (per-component timings, for profiling)
    Prints one JSON line on stdout.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var options = BenchOptions.Parse(args[1..]);
    var result = args[0] switch
    {
        "forward" => ForwardBenchmark.Run(options),
        "micro" => MicroBenchmark.Run(options),
        _ => throw new ArgumentException($"unknown benchmark '{args[0]}'"),
    };
    Console.WriteLine(result.ToJsonString());
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Usage);
    return 2;
}
