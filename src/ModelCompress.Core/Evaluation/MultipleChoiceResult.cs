namespace ModelCompress.Core.Evaluation;

/// <summary>
/// One scored question: the summed log-likelihood of each choice, the gold index, the prediction by raw sum
/// (<see cref="Pred"/>) and by sum per character (<see cref="PredNorm"/>); <see cref="Item"/> is the question scored and
/// <see cref="Greedy"/> says per choice whether each of its tokens was the model's most likely (for the samples files).
/// </summary>
public sealed record ItemResult(string Id, IReadOnlyList<double> LogLikelihoods, int Gold, int Pred, int PredNorm)
{
    public MultipleChoiceItem? Item { get; init; }
    public IReadOnlyList<bool> Greedy { get; init; } = [];

    public bool Correct => Pred == Gold;
    public bool CorrectNorm => PredNorm == Gold;
}

/// <summary>
/// A multiple-choice task's figures: <c>acc</c> and, when the task reports it, <c>acc_norm</c>, each with the standard
/// error of the mean; <see cref="Items"/> keeps every question for the samples files and paired statistics.
/// <see cref="Original"/> is the size of each (sub)task's split before <c>--limit</c> (the harness's
/// <c>n-samples.original</c>), keyed by task name (MMLU: by <c>mmlu_&lt;subject&gt;</c>).
/// </summary>
public sealed record TaskResult(string Name, IReadOnlyList<ChoiceMetric> Metrics, IReadOnlyList<ItemResult> Items, int NumFewshot)
{
    public IReadOnlyDictionary<string, int> Original { get; init; } = new Dictionary<string, int>();

    public double Acc => Statistics.Mean(Indicators(i => i.Correct));
    public double AccStderr => Statistics.MeanStderr(Indicators(i => i.Correct));
    public double? AccNorm => Metrics.Contains(ChoiceMetric.AccNorm) ? Statistics.Mean(Indicators(i => i.CorrectNorm)) : null;
    public double? AccNormStderr => Metrics.Contains(ChoiceMetric.AccNorm) ? Statistics.MeanStderr(Indicators(i => i.CorrectNorm)) : null;

    private double[] Indicators(Func<ItemResult, bool> correct) => Items.Select(i => correct(i) ? 1.0 : 0.0).ToArray();
}

/// <summary>
/// Perplexity over fixed windows (<c>perplexity_fixed</c>; natural-log NLL summed over <see cref="Tokens"/> predicted
/// tokens): token perplexity exp(NLL / tokens), word perplexity exp(NLL / words), byte perplexity exp(NLL / UTF-8 bytes),
/// bits per byte NLL / bytes / ln 2.
/// </summary>
public sealed record PerplexityResult(
    string Name, double NegativeLogLikelihood, long Tokens, long Words, long Bytes, int Windows, int Window)
{
    public double TokenPerplexity => Math.Exp(NegativeLogLikelihood / Tokens);
    public double WordPerplexity => Math.Exp(NegativeLogLikelihood / Words);
    public double BytePerplexity => Math.Exp(NegativeLogLikelihood / Bytes);
    public double BitsPerByte => NegativeLogLikelihood / Bytes / Math.Log(2);
}
