using System.Globalization;
using System.Text.Json;
using Platform.Agents.Runs;

namespace Platform.Agents.Tools;

/// <summary>
/// Checks a tool call's arguments against the tool's JSON Schema. Supports the keywords tool schemas use:
/// <c>type</c> (one or a list), <c>properties</c>, <c>required</c>, <c>additionalProperties</c> (false or a schema),
/// <c>enum</c>, <c>const</c>, <c>minLength</c>/<c>maxLength</c>, <c>minimum</c>/<c>maximum</c>,
/// <c>exclusiveMinimum</c>/<c>exclusiveMaximum</c>, <c>items</c>, <c>minItems</c>/<c>maxItems</c>, <c>anyOf</c>, <c>allOf</c>.
/// Other keywords (formats, patterns, <c>$ref</c> inside schemas) are not enforced; the tool itself is the last check.
/// When <paramref name="skipReferences"/> is set (a plan before it runs), <c>{"$ref": ...}</c> values count as valid:
/// they are checked again once resolved.
/// </summary>
public static class ArgumentsValidator
{
    private const int MaxDepth = 32;

    public static void Validate(JsonElement schema, JsonElement value, string field, bool skipReferences, Action<string, string> error) =>
        Check(schema, value, field, skipReferences, error, 0);

    private static void Check(JsonElement schema, JsonElement value, string field, bool skipReferences, Action<string, string> error, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth || (skipReferences && StepReference.IsReference(value)))
        {
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !MatchesType(type, value))
        {
            error(field, $"must be {Describe(type)}");
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array &&
            !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            error(field, $"must be one of {allowed.GetRawText()}");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            error(field, $"must be {constant.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var length = new StringInfo(value.GetString()!).LengthInTextElements;
                if (Number(schema, "minLength") is { } minLength && length < minLength)
                {
                    error(field, $"must be at least {minLength} characters");
                }

                if (Number(schema, "maxLength") is { } maxLength && length > maxLength)
                {
                    error(field, $"must be at most {maxLength} characters");
                }

                break;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                if (Number(schema, "minimum") is { } minimum && number < minimum)
                {
                    error(field, $"must be at least {minimum.ToString(CultureInfo.InvariantCulture)}");
                }

                if (Number(schema, "maximum") is { } maximum && number > maximum)
                {
                    error(field, $"must be at most {maximum.ToString(CultureInfo.InvariantCulture)}");
                }

                if (Number(schema, "exclusiveMinimum") is { } exclusiveMinimum && number <= exclusiveMinimum)
                {
                    error(field, $"must be above {exclusiveMinimum.ToString(CultureInfo.InvariantCulture)}");
                }

                if (Number(schema, "exclusiveMaximum") is { } exclusiveMaximum && number >= exclusiveMaximum)
                {
                    error(field, $"must be below {exclusiveMaximum.ToString(CultureInfo.InvariantCulture)}");
                }

                break;
            case JsonValueKind.Array:
                var count = value.GetArrayLength();
                if (Number(schema, "minItems") is { } minItems && count < minItems)
                {
                    error(field, $"must have at least {minItems} items");
                }

                if (Number(schema, "maxItems") is { } maxItems && count > maxItems)
                {
                    error(field, $"must have at most {maxItems} items");
                }

                if (schema.TryGetProperty("items", out var items))
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        Check(items, item, $"{field}[{i++}]", skipReferences, error, depth + 1);
                    }
                }

                break;
            case JsonValueKind.Object:
                CheckObject(schema, value, field, skipReferences, error, depth);
                break;
        }

        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(part, value, field, skipReferences, error, depth + 1);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array)
        {
            var alternatives = anyOf.EnumerateArray().ToList();
            var failures = new List<string>();
            foreach (var alternative in alternatives)
            {
                var errors = new List<string>();
                Check(alternative, value, field, skipReferences, (f, m) => errors.Add($"{f} {m}"), depth + 1);
                if (errors.Count == 0)
                {
                    failures.Clear();
                    break;
                }

                failures.Add(string.Join(", ", errors));
            }

            if (failures.Count == alternatives.Count && alternatives.Count > 0)
            {
                error(field, $"must match one of {alternatives.Count} alternatives ({string.Join(" | ", failures)})");
            }
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string field, bool skipReferences, Action<string, string> error, int depth)
    {
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    error($"{field}.{name}", "is required");
                }
            }
        }

        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, $"{field}.{property.Name}", skipReferences, error, depth + 1);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                error($"{field}.{property.Name}", "is not an argument of this tool");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, property.Value, $"{field}.{property.Name}", skipReferences, error, depth + 1);
            }
        }
    }

    private static bool MatchesType(JsonElement type, JsonElement value) => type.ValueKind switch
    {
        JsonValueKind.String => Matches(type.GetString()!, value),
        JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && Matches(t.GetString()!, value)),
        _ => true,
    };

    private static bool Matches(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && IsInteger(value),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static bool IsInteger(JsonElement value) =>
        value.TryGetInt64(out _) || (value.TryGetDecimal(out var d) && decimal.Truncate(d) == d);

    private static string Describe(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? "one of " + string.Join(", ", type.EnumerateArray().Select(t => t.ToString()))
        : (type.GetString() is "object" or "array" or "integer" ? "an " : "a ") + type.GetString();

    private static double? Number(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
