using ModelCompress.Bench;

const string Usage = """
    usage: ModelCompress.Bench forward [--dtype fp32|bf16] [--batch 8] [--seq 512] [--threads 2] [--warmup 1] [--iters 3] [--seed 42]
                                       [--mmap-threshold BYTES]  (glibc mallopt, to test peak RSS)
           ModelCompress.Bench micro   [same options] [--layers 12]   (per-component timings, for profiling)
           ModelCompress.Bench make-model --out DIR [--dtype fp32] [--seed 42] [--tokenizer-from DIR]
           ModelCompress.Bench score --model DIR --metric NAME [--low-memory] [--calibration FILE] [--samples 10] [--seq 128] [--threads 2]
           ModelCompress.Bench make-checkpoint --out DIR [--layers 24] [--hidden 2048] [--intermediate 5632] [--heads 32] [--kv-heads 8]
                                               [--vocab 32000] [--shard-bytes 500000000] [--seed 42] [--tied false]
           ModelCompress.Bench prune --in DIR --out DIR [--fraction 0.25]
           ModelCompress.Bench finetune --model DIR --method partial|lora [--dtype fp32|bf16] [--k 3] [--lora-r 8] [--cache on|off]
                                        [--batch 4] [--seq 256] [--warmup 2] [--steps 6] [--examples N] [--data FILE] [--threads 2]
           ModelCompress.Bench generate --model DIR|stories260K [--batch 16] [--prompts 32] [--prompt-tokens 96] [--new 64]
                                        [--dtype fp32|bf16] [--threads 2] [--text FILE]
    Prints one JSON line on stdout.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

try
{
    var rest = args[1..];
    var result = args[0] switch
    {
        "forward" => ForwardBenchmark.Run(BenchOptions.Parse(rest)),
        "micro" => MicroBenchmark.Run(BenchOptions.Parse(rest)),
        "make-model" => MakeModelCommand.Run(new Args(rest)),
        "score" => ScoreBenchmark.Run(new Args(rest, "--low-memory")),
        "make-checkpoint" => PruneBenchmark.MakeCheckpoint(new Args(rest)),
        "prune" => PruneBenchmark.Prune(new Args(rest)),
        "finetune" => FineTuneBenchmark.Run(new Args(rest)),
        "generate" => GenerateBenchmark.Run(new Args(rest)),
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
