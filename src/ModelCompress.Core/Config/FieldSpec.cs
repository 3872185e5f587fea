namespace ModelCompress.Core.Config;

/// <summary>The kinds of values a pruning.yaml field can hold.</summary>
public enum ValueKind { String, Integer, Number, Boolean, Enum, Object, List, Stage }

/// <summary>
/// One field of pruning.yaml: the single description from which the validator, the JSON Schema, the starter file and the
/// README reference are all derived.
/// </summary>
public sealed record FieldSpec(string Name, ValueKind Kind, string Description)
{
    public bool Required { get; init; }
    /// <summary>The default, as it would be written in YAML (null: no default, the field is optional).</summary>
    public object? Default { get; init; }
    public IReadOnlyList<string>? Allowed { get; init; }
    public ObjectSpec? Object { get; init; }
    /// <summary>For objects: when absent, present it anyway with its defaults (sections such as compute); else null.</summary>
    public bool DefaultsWhenAbsent { get; init; }
    /// <summary>For lists: the spec of each item (its Name is unused).</summary>
    public FieldSpec? Item { get; init; }
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>A regular expression a string must match, with a human explanation for errors.</summary>
    public (string Regex, string Explanation)? Pattern { get; init; }
    /// <summary>For strings (and lists of them): a local path that must exist when the pipeline is validated.</summary>
    public PathRule? Path { get; init; }
}

/// <summary>
/// A field that names a local file (or folder) that must exist, relative to the pipeline file. Blob URLs and <c>builtin:demo</c>
/// paths are checked where they are used; values <see cref="IsName"/> accepts are names, not paths (a built-in task or corpus).
/// </summary>
public sealed record PathRule(bool Folder = false, Func<string, bool>? IsName = null, string? Hint = null, string What = "file")
{
    public static readonly PathRule File = new();
}

/// <summary>A YAML mapping with known fields.</summary>
public sealed record ObjectSpec(string Name, string Description, IReadOnlyList<FieldSpec> Fields)
{
    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}
