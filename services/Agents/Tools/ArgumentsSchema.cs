using System.Text.Json;

namespace Platform.Agents.Tools;

/// <summary>
/// Checks an HTTP tool's arguments schema: a JSON Schema object describing an object with named
/// properties. That is the shape an LLM's tool call and an explicit plan both fill in, and the
/// properties are what the URL template's placeholders refer to.
/// </summary>
public static class ArgumentsSchema
{
    /// <summary>Largest accepted schema (its JSON text, UTF-8): tool schemas travel in every planner prompt.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The declared property names, or the errors (field names relative to the schema) that make it unusable.</summary>
    public static IReadOnlyList<string> Validate(JsonElement schema, Action<string, string> error)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            error("argumentsSchema", "must be a JSON Schema object");
            return [];
        }

        if (!schema.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "object")
        {
            error("argumentsSchema.type", "must be \"object\"");
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            error("argumentsSchema.properties", "is required and must be an object of property schemas");
            return [];
        }

        var names = new List<string>();
        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                error($"argumentsSchema.properties.{property.Name}", "must be a schema object");
                continue;
            }

            names.Add(property.Name);
        }

        if (schema.TryGetProperty("required", out var required))
        {
            if (required.ValueKind != JsonValueKind.Array)
            {
                error("argumentsSchema.required", "must be an array of property names");
            }
            else
            {
                foreach (var item in required.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String || !names.Contains(item.GetString()!, StringComparer.Ordinal))
                    {
                        error("argumentsSchema.required", $"names {item.GetRawText()}, which is not a declared property");
                    }
                }
            }
        }

        return names;
    }
}
