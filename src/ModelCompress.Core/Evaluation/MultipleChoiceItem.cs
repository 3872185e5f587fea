using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// One log-likelihood request in text form: the continuation is scored given the context (lm-evaluation-harness's
/// <c>loglikelihood(context, continuation)</c>). The continuation includes its separator (usually a leading space).
/// </summary>
public sealed record ChoiceRequest(string Context, string Continuation);

/// <summary>
/// A multiple-choice question: one request per choice, the gold index, and the choice texts whose length in characters
/// (Unicode code points, as Python's <c>len</c>, without the separator) normalizes <c>acc_norm</c>.
/// Most tasks share one context across choices; WinoGrande's partial scoring has one context per choice and a shared
/// continuation. <see cref="Doc"/> is the record the item was read from, in the Hugging Face dataset's field names where the
/// reader knows them (the samples files' <c>doc</c>); null leaves the samples writer to describe the item itself.
/// </summary>
public sealed record MultipleChoiceItem(string Id, IReadOnlyList<ChoiceRequest> Requests, IReadOnlyList<string> Choices, int Gold)
{
    public JsonObject? Doc { get; init; }

    /// <summary>The usual shape: <paramref name="context"/> + separator + each choice.</summary>
    public static MultipleChoiceItem SharedContext(string id, string context, IReadOnlyList<string> choices, int gold,
        string separator = " ") =>
        new(id, choices.Select(c => new ChoiceRequest(context, separator + c)).ToArray(), choices, gold);
}
