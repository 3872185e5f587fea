using System.Text.Json.Nodes;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>
/// MMLU (Hendrycks et al.) as csv: <c>test/{subject}_test.csv</c> and <c>dev/{subject}_dev.csv</c>, rows
/// <c>question,choice0..3,answer</c> (answer 0-3 or A-D; an optional header row). The prompt is lm-evaluation-harness's:
/// "The following are multiple choice questions (with answers) about {subject}.\n\n", then k solved dev examples in file
/// order separated by a blank line, then <c>{question}\nA. …\nB. …\nC. …\nD. …\nAnswer:</c>; continuations " A" … " D".
/// </summary>
public static class MmluReader
{
    private static readonly string[] Letters = ["A", "B", "C", "D"];

    /// <summary>All subjects in name order; <paramref name="limit"/> applies per subject (as the harness does for subtasks).</summary>
    public static IReadOnlyList<MultipleChoiceItem> Read(string folder, int shots, int? limit)
    {
        string testDir = Path.Combine(folder, "test");
        if (!Directory.Exists(testDir)) throw EvaluationDataException.MissingFile(testDir, "MMLU test folder");
        var items = new List<MultipleChoiceItem>();
        foreach (string file in Directory.GetFiles(testDir, "*_test.csv").Order(StringComparer.Ordinal))
        {
            string subject = Path.GetFileName(file)[..^"_test.csv".Length];
            var examples = shots > 0 ? ReadRows(Path.Combine(folder, "dev", $"{subject}_dev.csv")).Take(shots).ToList() : [];
            if (examples.Count < shots)
                throw EvaluationDataException.CountMismatch(Path.Combine(folder, "dev", $"{subject}_dev.csv"), shots, examples.Count,
                    "dev examples");
            string prefix = Description(subject) + string.Concat(examples.Select(e => Question(e) + " " + Letters[e.Gold] + "\n\n"));
            foreach (var (row, index) in ReadRows(file).Take(limit ?? int.MaxValue).Select((r, i) => (r, i)))
                items.Add(MultipleChoiceItem.SharedContext($"{subject}/{index}", prefix + Question(row), Letters, row.Gold) with
                {
                    Doc = Doc(row, subject),
                });
        }
        return items;
    }

    /// <summary>The row as the Hugging Face dataset <c>cais/mmlu</c> holds it: question, subject, choices, answer.</summary>
    public static JsonObject Doc(MmluRow row, string subject) => new()
    {
        ["question"] = row.Question, ["subject"] = subject,
        ["choices"] = new JsonArray([.. row.Choices.Select(c => (JsonNode)c)]), ["answer"] = row.Gold,
    };

    /// <summary>"The following are multiple choice questions (with answers) about {subject with spaces}.\n\n".</summary>
    public static string Description(string subject) =>
        $"The following are multiple choice questions (with answers) about {subject.Replace('_', ' ')}.\n\n";

    /// <summary>One question as the harness renders it, ending in "Answer:".</summary>
    public static string Question(MmluRow row) =>
        $"{row.Question.Trim()}\nA. {row.Choices[0]}\nB. {row.Choices[1]}\nC. {row.Choices[2]}\nD. {row.Choices[3]}\nAnswer:";

    /// <summary>The rows of one csv file, skipping a header row.</summary>
    public static IEnumerable<MmluRow> ReadRows(string path)
    {
        foreach (var record in CsvReader.Read(path))
        {
            var f = record.Fields;
            if (f.Count > 0 && f[0] == "question" && f[^1] == "answer") continue;
            if (f.Count != 6)
                throw EvaluationDataException.Malformed(path, record.Line,
                    $"expected 6 fields (question, 4 choices, answer), found {f.Count}");
            string answer = f[5].Trim();
            int letter = Array.IndexOf(Letters, answer);
            int gold = letter >= 0 ? letter : JsonlReader.ParseIndex(path, record.Line, answer, 4);
            yield return new MmluRow(f[0], [f[1], f[2], f[3], f[4]], gold);
        }
    }
}

/// <summary>One MMLU question: text, four choices, gold index 0-3.</summary>
public sealed record MmluRow(string Question, IReadOnlyList<string> Choices, int Gold);
