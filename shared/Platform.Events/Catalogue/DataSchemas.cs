using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Platform.Events.Catalogue;

/// <summary>
/// Generates the JSON Schema of an event's data from its record with the serializer's own exporter,
/// under the options the data is written with (<see cref="EventJson.Options"/>), so the two cannot disagree.
/// </summary>
public static class DataSchemas
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    public static JsonObject Generate(EventDefinition definition)
    {
        var generated = JsonSchemaExporter.GetJsonSchemaAsNode(
            EventJson.Options,
            definition.RecordType,
            new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var schema = new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = definition.DataSchemaUri,
            ["title"] = definition.Title,
            ["description"] = definition.Description,
        };
        foreach (var (name, value) in generated.AsObject())
        {
            schema[name] = value?.DeepClone();
        }

        return schema;
    }
}
