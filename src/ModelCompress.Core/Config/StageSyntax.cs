namespace ModelCompress.Core.Config;

/// <summary>How pruning.yaml spells one stage type: its <c>type</c> name, its fields, and the record it is read into.</summary>
public sealed record StageSyntax(string Type, ObjectSpec Spec, Type Record);
