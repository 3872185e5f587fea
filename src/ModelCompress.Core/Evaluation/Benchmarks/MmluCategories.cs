namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// The four MMLU categories lm-evaluation-harness groups the 57 subjects into (its <c>mmlu_stem</c>, <c>mmlu_humanities</c>,
/// <c>mmlu_social_sciences</c> and <c>mmlu_other</c> groups), so a gate can target the part of MMLU a use case depends on.
/// </summary>
public static class MmluCategories
{
    public static readonly IReadOnlyList<string> Names = ["stem", "humanities", "social_sciences", "other"];

    private static readonly Dictionary<string, string> Subjects = Build(new()
    {
        ["stem"] =
        [
            "abstract_algebra", "anatomy", "astronomy", "college_biology", "college_chemistry", "college_computer_science",
            "college_mathematics", "college_physics", "computer_security", "conceptual_physics", "electrical_engineering",
            "elementary_mathematics", "high_school_biology", "high_school_chemistry", "high_school_computer_science",
            "high_school_mathematics", "high_school_physics", "high_school_statistics", "machine_learning",
        ],
        ["humanities"] =
        [
            "formal_logic", "high_school_european_history", "high_school_us_history", "high_school_world_history", "international_law",
            "jurisprudence", "logical_fallacies", "moral_disputes", "moral_scenarios", "philosophy", "prehistory", "professional_law",
            "world_religions",
        ],
        ["social_sciences"] =
        [
            "econometrics", "high_school_geography", "high_school_government_and_politics", "high_school_macroeconomics",
            "high_school_microeconomics", "high_school_psychology", "human_sexuality", "professional_psychology", "public_relations",
            "security_studies", "sociology", "us_foreign_policy",
        ],
        ["other"] =
        [
            "business_ethics", "clinical_knowledge", "college_medicine", "global_facts", "human_aging", "management", "marketing",
            "medical_genetics", "miscellaneous", "nutrition", "professional_accounting", "professional_medicine", "virology",
        ],
    });

    /// <summary>The category of <paramref name="subject"/>, or null for a subject outside the 57.</summary>
    public static string? Of(string subject) => Subjects.GetValueOrDefault(subject);

    /// <summary>The category of an MMLU item id (<c>subject/index</c>).</summary>
    public static string? OfItem(string id) => Of(id.Split('/')[0]);

    public static int SubjectCount => Subjects.Count;

    /// <summary>The 57 subjects (each the harness's subtask <c>mmlu_&lt;subject&gt;</c>).</summary>
    public static IEnumerable<string> SubjectNames => Subjects.Keys;

    private static Dictionary<string, string> Build(Dictionary<string, string[]> categories) =>
        categories.SelectMany(c => c.Value.Select(s => (Subject: s, Category: c.Key))).ToDictionary(p => p.Subject, p => p.Category);
}
