using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Evaluation;

/// <summary>
/// Zero- or few-shot multiple-choice evaluation as lm-evaluation-harness 0.4: every choice's continuation log-likelihood
/// given its context; acc = argmax of the sums, acc_norm = argmax of the sums divided by each choice's length in characters
/// (code points of the choice text without its separator, as the harness's <c>len(choice)</c>).
/// </summary>
public sealed class MultipleChoiceEvaluator(RequestEncoder encoder, ILogLikelihoodScorer scorer)
{
    public TaskResult Evaluate(TaskDefinition task, IReadOnlyList<MultipleChoiceItem> items, IProgressSink progress, int numFewshot = 0)
    {
        var requests = encoder.Encode(items);
        ScoredRequests sums;
        using (var bar = progress.Start(task.Name, items.Count, "items")) sums = scorer.Score(requests, bar);
        var results = new List<ItemResult>(items.Count);
        int next = 0;
        foreach (var item in items)
        {
            var lls = sums.Skip(next).Take(item.Requests.Count).ToArray();
            var greedy = sums.Greedy.Skip(next).Take(item.Requests.Count).ToArray();
            next += item.Requests.Count;
            foreach (double ll in lls) NonFinite.Check(ll, $"task {task.Name}, item {item.Id}: a choice's log-likelihood");
            results.Add(Judge(item, lls) with { Greedy = greedy });
        }
        return new TaskResult(task.Name, task.Metrics, results, numFewshot);
    }

    /// <summary>Predictions for one question from its per-choice summed log-likelihoods.</summary>
    public static ItemResult Judge(MultipleChoiceItem item, IReadOnlyList<double> logLikelihoods)
    {
        var normalized = logLikelihoods.Select((ll, i) => ll / Statistics.CodePoints(item.Choices[i])).ToArray();
        return new ItemResult(item.Id, logLikelihoods, item.Gold, Statistics.ArgMax(logLikelihoods), Statistics.ArgMax(normalized))
        {
            Item = item,
        };
    }
}
