using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompress.Core.Model;

namespace ModelCompress.Core;

/// <summary>
/// The one spelling of an enum's values in pruning.yaml, on the command line and in JSON: kebab-case of the member name
/// (<c>ReverseOrder</c> is <c>reverse-order</c>) unless the member carries <see cref="ConfigNameAttribute"/>.
/// The schema, the validator, the JSON Schema, the README reference and the CLI's accepted values all read these names.
/// </summary>
public static class EnumNames
{
    /// <summary>Every name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> Of<T>() where T : struct, Enum => Table<T>.Names;

    /// <summary>The name of one value.</summary>
    public static string Name<T>(this T value) where T : struct, Enum => Table<T>.ByValue[value];

    /// <summary>The value with this name, or null.</summary>
    public static T? TryParse<T>(string name) where T : struct, Enum => Table<T>.ByName.TryGetValue(name, out var v) ? v : null;

    /// <summary>The value with this name; an unknown name is invalid input naming <paramref name="what"/> and the choices.</summary>
    public static T Parse<T>(string name, string what) where T : struct, Enum => TryParse<T>(name)
        ?? throw new InvalidInputException($"{what}: unknown value '{name}' (use one of: {string.Join(", ", Of<T>())}).");

    private static class Table<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ByValue = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => (T)f.GetValue(null)!, f => f.GetCustomAttribute<ConfigNameAttribute>()?.Name
                ?? JsonNamingPolicy.KebabCaseLower.ConvertName(f.Name));
        public static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(p => p.Value, p => p.Key);
        public static readonly IReadOnlyList<string> Names = [.. ByValue.Values];
    }
}

/// <summary>Spells an enum member in config and on the command line when kebab-case of its name would not do.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ConfigNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Reads and writes an enum as its <see cref="EnumNames"/> spelling (config records, stage keys).</summary>
public sealed class NamedEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        EnumNames.TryParse<T>(reader.GetString() ?? "") ?? throw new JsonException($"unknown {typeof(T).Name} '{reader.GetString()}'.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name());
}
