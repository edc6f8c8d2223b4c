using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Platform.Events.Tests;

/// <summary>
/// A JSON Schema (2020-12) validator for the keywords the platform's schemas use: type, properties,
/// required, const, pattern, minLength, format (uuid, date-time, uri, uri-reference), items, enum,
/// additionalProperties, allOf. Any other keyword makes it throw, so a schema it cannot really check
/// never passes by accident.
/// </summary>
public static class SchemaValidator
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description"];

    public static IReadOnlyList<string> Validate(JsonObject schema, JsonElement instance)
    {
        var errors = new List<string>();
        Check(schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var (keyword, argument) in schema)
        {
            switch (keyword)
            {
                case var _ when Annotations.Contains(keyword):
                    break;
                case "type":
                    var types = argument is JsonArray array ? array.Select(t => t!.GetValue<string>()).ToList() : [argument!.GetValue<string>()];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{path}: is {value.ValueKind}, expected {string.Join(" or ", types)}");
                    }

                    break;
                case "properties":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var (name, propertySchema) in argument!.AsObject())
                        {
                            if (value.TryGetProperty(name, out var property))
                            {
                                Check(propertySchema!.AsObject(), property, $"{path}.{name}", errors);
                            }
                        }
                    }

                    break;
                case "required":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var name in argument!.AsArray().Select(n => n!.GetValue<string>()))
                        {
                            if (!value.TryGetProperty(name, out _))
                            {
                                errors.Add($"{path}: required property '{name}' is missing");
                            }
                        }
                    }

                    break;
                case "additionalProperties":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        var known = schema["properties"]?.AsObject().Select(p => p.Key).ToHashSet() ?? [];
                        foreach (var property in value.EnumerateObject().Where(p => !known.Contains(p.Name)))
                        {
                            if (argument is JsonValue allowed && !allowed.GetValue<bool>())
                            {
                                errors.Add($"{path}: property '{property.Name}' is not allowed");
                            }
                            else if (argument is JsonObject additional)
                            {
                                Check(additional, property.Value, $"{path}.{property.Name}", errors);
                            }
                        }
                    }

                    break;
                case "const":
                    if (!JsonNode.DeepEquals(argument, JsonNode.Parse(value.GetRawText())))
                    {
                        errors.Add($"{path}: must be {argument!.ToJsonString()}");
                    }

                    break;
                case "enum":
                    if (!argument!.AsArray().Any(option => JsonNode.DeepEquals(option, JsonNode.Parse(value.GetRawText()))))
                    {
                        errors.Add($"{path}: {value.GetRawText()} is not one of {argument.ToJsonString()}");
                    }

                    break;
                case "pattern":
                    if (value.ValueKind == JsonValueKind.String && !Regex.IsMatch(value.GetString()!, argument!.GetValue<string>()))
                    {
                        errors.Add($"{path}: '{value.GetString()}' does not match {argument}");
                    }

                    break;
                case "minLength":
                    if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length < argument!.GetValue<int>())
                    {
                        errors.Add($"{path}: shorter than {argument}");
                    }

                    break;
                case "format":
                    if (value.ValueKind == JsonValueKind.String && !HasFormat(value.GetString()!, argument!.GetValue<string>()))
                    {
                        errors.Add($"{path}: '{value.GetString()}' is not a {argument}");
                    }

                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        var index = 0;
                        foreach (var item in value.EnumerateArray())
                        {
                            Check(argument!.AsObject(), item, $"{path}[{index++}]", errors);
                        }
                    }

                    break;
                case "allOf":
                    foreach (var part in argument!.AsArray())
                    {
                        Check(part!.AsObject(), value, path, errors);
                    }

                    break;
                default:
                    throw new NotSupportedException($"Schema keyword '{keyword}' at {path} is not supported by this validator.");
            }
        }
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => throw new NotSupportedException($"JSON type '{type}'"),
    };

    private static bool HasFormat(string text, string format) => format switch
    {
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "date-time" => Regex.IsMatch(text, @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$") &&
                       DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
        "uri-reference" => Uri.TryCreate(text, UriKind.RelativeOrAbsolute, out _),
        _ => throw new NotSupportedException($"format '{format}'"),
    };
}
