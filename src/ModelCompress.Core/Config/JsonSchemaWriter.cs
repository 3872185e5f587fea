using System.Text.Json.Nodes;

namespace ModelCompress.Core.Config;

/// <summary>Writes <see cref="PipelineSchema"/> as a JSON Schema (draft 2020-12) for editor completion and validation.</summary>
public static class JsonSchemaWriter
{
    public static JsonObject Write(IReadOnlyList<StageSyntax> stages)
    {
        var schema = Object(PipelineSchema.Root, [], stages);
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["$id"] = "https://modelcompresstool.dev/schema/pruning.schema.json";
        schema["title"] = "ModelCompressTool pruning.yaml";
        return schema;
    }

    private static JsonObject Object(ObjectSpec spec, IEnumerable<FieldSpec> extra, IReadOnlyList<StageSyntax> stages)
    {
        var fields = extra.Concat(spec.Fields).ToList();
        var properties = new JsonObject();
        foreach (var f in fields) properties[f.Name] = Field(f, stages);
        var result = new JsonObject
        {
            ["type"] = "object",
            ["description"] = spec.Description,
            ["properties"] = properties,
            ["additionalProperties"] = false,
        };
        var required = fields.Where(f => f.Required).Select(f => (JsonNode)f.Name).ToArray();
        if (required.Length > 0) result["required"] = new JsonArray(required);
        return result;
    }

    private static JsonObject Field(FieldSpec f, IReadOnlyList<StageSyntax> stages)
    {
        JsonObject node = f.Kind switch
        {
            ValueKind.Object => Object(f.Object!, [], stages),
            ValueKind.List => new JsonObject { ["type"] = "array", ["items"] = Field(f.Item!, stages) },
            ValueKind.Stage => Stages(stages),
            ValueKind.Enum => new JsonObject { ["enum"] = new JsonArray(f.Allowed!.Select(a => (JsonNode)a).ToArray()) },
            ValueKind.Integer => new JsonObject { ["type"] = "integer" },
            ValueKind.Number => new JsonObject { ["type"] = "number" },
            ValueKind.Boolean => new JsonObject { ["type"] = "boolean" },
            _ => new JsonObject { ["type"] = "string" },
        };
        node["description"] = f.Description;
        if (f.Minimum is double min) node["minimum"] = min;
        if (f.Maximum is double max) node["maximum"] = max;
        if (f.Pattern is { } p) node["pattern"] = p.Regex;
        if (f.Default is string[] list) node["default"] = new JsonArray(list.Select(s => (JsonNode)s).ToArray());
        else if (f.Default is object[]) node["default"] = new JsonArray();
        else if (f.Default is not null) node["default"] = JsonValue.Create(f.Default);
        return node;
    }

    private static JsonObject Stages(IReadOnlyList<StageSyntax> stages) => new()
    {
        ["oneOf"] = new JsonArray(stages.Select(s => (JsonNode)Object(s.Spec,
        [
            new FieldSpec("id", ValueKind.String, "Unique stage id.") { Required = true },
            new FieldSpec("type", ValueKind.Enum, "Stage type.") { Required = true, Allowed = [s.Type] },
        ], stages)).ToArray()),
    };
}
