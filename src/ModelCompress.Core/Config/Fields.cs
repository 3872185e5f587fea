namespace ModelCompress.Core.Config;

/// <summary>Short builders for <see cref="FieldSpec"/>s, so a schema reads like the file it describes.</summary>
public static class Fields
{
    public static FieldSpec Str(string name, string description) => new(name, ValueKind.String, description);

    public static FieldSpec Int(string name, string description, long? @default = null, double? min = null) =>
        new(name, ValueKind.Integer, description) { Default = @default, Minimum = min };

    public static FieldSpec Num(string name, string description, double? @default = null, double? min = null, double? max = null) =>
        new(name, ValueKind.Number, description) { Default = @default, Minimum = min, Maximum = max };

    public static FieldSpec Bool(string name, string description, bool @default) =>
        new(name, ValueKind.Boolean, description) { Default = @default };

    /// <summary>One of a fixed list of names.</summary>
    public static FieldSpec OneOf(string name, string description, IReadOnlyList<string> allowed, string? @default = null) =>
        new(name, ValueKind.Enum, description) { Allowed = allowed, Default = @default };

    /// <summary>One of the <see cref="EnumNames"/> of <typeparamref name="T"/>.</summary>
    public static FieldSpec OneOf<T>(string name, string description) where T : struct, System.Enum =>
        OneOf(name, description, EnumNames.Of<T>());

    /// <summary>One of the <see cref="EnumNames"/> of <typeparamref name="T"/>, with a default.</summary>
    public static FieldSpec OneOf<T>(string name, string description, T @default) where T : struct, System.Enum =>
        OneOf(name, description, EnumNames.Of<T>(), @default.Name());

    public static FieldSpec Obj(string name, string description, params FieldSpec[] fields) =>
        new(name, ValueKind.Object, description) { Object = new ObjectSpec(name, description, fields) };

    public static FieldSpec List(string name, string description, FieldSpec item) =>
        new(name, ValueKind.List, description) { Item = item };
}
