using System.CommandLine;
using ModelCompress.Core;
using ModelCompress.Core.Model;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Cli.Commands.Score;

/// <summary>The options of a scoring run, shared by <c>score</c> and <c>prune --metric</c>.</summary>
public sealed class ScoringOptions
{
    public Option<string> Metric { get; } = new("--metric")
    {
        Description = $"Layer-importance metric: {string.Join(", ", ScoringMetrics.Names)}. Lower score = removed first.",
    };
    public Option<FileInfo?> Calibration { get; } = new("--calibration")
    {
        Description = "Calibration text (UTF-8) for taylor, perplexity, block-influence, angular and window.",
    };
    public Option<int> Samples { get; } = new("--samples")
    {
        Description = "Calibration windows (paper: 10).",
        DefaultValueFactory = _ => 10,
    };
    public Option<int> SeqLen { get; } = new("--seq-len")
    {
        Description = "Tokens per window (paper: 128).",
        DefaultValueFactory = _ => 128,
    };
    public Option<long> Seed { get; } = new("--seed")
    {
        Description = "Seed for window sampling and the random metric.",
        DefaultValueFactory = _ => 42,
    };
    public Option<string> BiReduction { get; } = new Option<string>("--bi-reduction")
    {
        Description = "block-influence: per-token (mean of per-token cosines, ShortGPT) " +
                      "or flattened (one cosine over the batch, the paper's code).",
        DefaultValueFactory = _ => "per-token",
    }.AcceptOnlyFromAmong([.. EnumNames.Of<BlockInfluenceReduction>()]);
    public Option<int?> BlockSize { get; } = new("--block-size")
    {
        Description = "angular and window: consecutive layers per block (default 1; prune uses the number of layers removed).",
    };
    public Option<bool> LowMemory { get; } = new("--low-memory")
    {
        Description = "Forward-only metrics: load one layer at a time, for models larger than memory.",
    };
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<string> DType { get; } = CommonOptions.DType();

    public IEnumerable<Option> All => [Metric, Calibration, Samples, SeqLen, Seed, BiReduction, BlockSize, LowMemory, Device, DType];

    public ScoringRequest Request(ParseResult parse, string model, int? defaultBlockSize = null) => new(
        model, ScoringMetrics.Parse(parse.GetValue(Metric)!), parse.GetValue(Calibration)?.FullName, parse.GetValue(Samples),
        parse.GetValue(SeqLen), parse.GetValue(Seed),
        EnumNames.Parse<BlockInfluenceReduction>(parse.GetValue(BiReduction)!, "--bi-reduction"),
        parse.GetValue(BlockSize) ?? defaultBlockSize ?? 1, parse.GetValue(LowMemory));

    public (TorchSharp.torch.Device Device, TorchSharp.torch.ScalarType DType) Compute(ParseResult parse) =>
        CommonOptions.Resolve(parse, Device, DType);
}
