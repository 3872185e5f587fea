using System.Reflection;
using NJsonSchema;

namespace ModelCompress.TestKit.Harness;

/// <summary>
/// lm-evaluation-harness's result schema as JSON Schema (written from its lm_eval/result_schema.py; each requirement says
/// where it comes from): <see cref="Results"/> for results.json, <see cref="Sample"/> for a samples_&lt;task&gt;.jsonl line.
/// </summary>
public static class HarnessSchema
{
    public static JsonSchema Results { get; } = Load("results.schema.json");

    public static JsonSchema Sample { get; } = Load("sample.schema.json");

    /// <summary>The schema errors of a results.json and of every samples file in its folder (empty when all conform).</summary>
    public static IReadOnlyList<string> Check(string folder)
    {
        var errors = Results.Validate(File.ReadAllText(Path.Combine(folder, "results.json"))).Select(e => $"results.json: {e}").ToList();
        foreach (string file in Directory.EnumerateFiles(folder, "samples_*.jsonl").Order(StringComparer.Ordinal))
            foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
                errors.AddRange(Sample.Validate(line).Select(e => $"{Path.GetFileName(file)}:{number}: {e}"));
        return errors;
    }

    private static JsonSchema Load(string name)
    {
        using var stream = typeof(HarnessSchema).Assembly.GetManifestResourceStream($"ModelCompress.TestKit.Harness.{name}")
            ?? throw new InvalidOperationException($"{name} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    }
}
