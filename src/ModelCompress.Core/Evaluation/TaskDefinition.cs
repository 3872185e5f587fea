namespace ModelCompress.Core.Evaluation;

/// <summary>The accuracy metrics of a multiple-choice task.</summary>
public enum ChoiceMetric
{
    /// <summary>Argmax of the summed continuation log-probability.</summary>
    Acc,

    /// <summary>Argmax of the sum divided by the choice's length in characters (code points).</summary>
    AccNorm,
}

/// <summary>Where and how much to read: the benchmark folder (<c>$MODELCOMPRESS_DATA/eval</c>), items per task, few-shot count.</summary>
public sealed record TaskLoadOptions(string DataDir, int? Limit = null, int NumFewshot = 0);

/// <summary>
/// A multiple-choice task: its name (as in lm-evaluation-harness), the metrics it reports, the few-shot count it supports,
/// and how to read its items. <see cref="PrimaryMetric"/> is the figure averaged into the paper's "Avg Acc".
/// </summary>
public sealed record TaskDefinition(
    string Name, IReadOnlyList<ChoiceMetric> Metrics, Func<TaskLoadOptions, IReadOnlyList<MultipleChoiceItem>> Load,
                                    bool SupportsFewshot = false)
{
    /// <summary>The metric averaged over tasks: plain acc, as the paper's tables.</summary>
    public ChoiceMetric PrimaryMetric => ChoiceMetric.Acc;
}
