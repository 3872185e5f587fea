using System.Text.Json;

namespace ModelCompress.Core;

/// <summary>Shared JSON serializer options (one place, so every file the tool writes looks the same).</summary>
public static class JsonDefaults
{
    /// <summary>Indented, relaxed escaping (non-ASCII kept readable), snake_case property names.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A non-finite number is caught where it arises (NonFinite); should one still reach a writer, it is written, not a crash.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
