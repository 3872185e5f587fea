using ModelCompress.Core.Evaluation.Benchmarks;

namespace ModelCompress.Core.Evaluation.Harness;

/// <summary>
/// A task as the harness reports it: a multiple-choice (sub)task (an MMLU subject is its own <c>mmlu_&lt;subject&gt;</c>,
/// with <see cref="Subject"/> set), named <see cref="Name"/>, shown as <see cref="Alias"/>, with its split's size.
/// </summary>
public sealed record HarnessLeaf(string Name, string Alias, TaskResult Result, string? Subject, int Original);

/// <summary>A group of the harness (<c>mmlu</c>, <c>mmlu_stem</c> …): its children, and the leaf tasks it aggregates over.</summary>
public sealed record HarnessGroup(string Name, string Alias, IReadOnlyList<string> Children, IReadOnlyList<HarnessLeaf> Leaves);

/// <summary>
/// How a report's tasks map onto the harness's tasks and groups: MMLU becomes group <c>mmlu</c> over the category groups
/// <c>mmlu_stem</c>, <c>mmlu_other</c>, <c>mmlu_social_sciences</c>, <c>mmlu_humanities</c> (the order of the harness's
/// <c>_mmlu.yaml</c>), each over its subjects' subtasks; every other task stands alone.
/// </summary>
public static class HarnessLeaves
{
    private static readonly string[] GroupOrder = ["stem", "other", "social_sciences", "humanities"];

    public static IReadOnlyList<HarnessLeaf> Of(TaskResult task)
    {
        if (task.Name != "mmlu") return [new HarnessLeaf(task.Name, task.Name, task, null, Original(task, task.Name))];
        return task.Items.GroupBy(i => EvaluationRunner.MmluSubject(i.Id)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            string name = $"mmlu_{g.Key}";
            return new HarnessLeaf(name, g.Key, task with { Name = name, Items = [.. g] }, g.Key, Original(task, name));
        }).ToList();
    }

    /// <summary>The groups over <paramref name="leaves"/> of MMLU (none for another task); the top group comes first.</summary>
    public static IReadOnlyList<HarnessGroup> Groups(TaskResult task, IReadOnlyList<HarnessLeaf> leaves)
    {
        if (task.Name != "mmlu") return [];
        var categories = GroupOrder.Select(c => new HarnessGroup($"mmlu_{c}", c,
                [.. leaves.Where(l => MmluCategories.Of(l.Subject!) == c).Select(l => l.Name)],
                [.. leaves.Where(l => MmluCategories.Of(l.Subject!) == c)]))
            .Where(g => g.Leaves.Count > 0).ToList();
        return [new HarnessGroup("mmlu", "mmlu", [.. categories.Select(c => c.Name)], leaves), .. categories];
    }

    private static int Original(TaskResult task, string name) =>
        task.Original.TryGetValue(name, out int n) ? n
            : task.Items.Count(i => task.Name != "mmlu" || $"mmlu_{EvaluationRunner.MmluSubject(i.Id)}" == name);
}
