using System.Text.Json.Nodes;
using Platform.Events.Catalogue;

namespace Platform.Events.CloudEvents;

/// <summary>
/// The JSON Schema of this platform's CloudEvents envelope (CloudEvents 1.0, JSON format, structured
/// mode): the required context attributes, the optional ones it always sets, and <c>data</c> as an object
/// whose own schema is named by <c>dataschema</c>.
/// </summary>
public static class CloudEventSchema
{
    public const string Id = "urn:platform:events:schema:cloudevent";

    public static JsonObject Create() => new()
    {
        ["$schema"] = DataSchemas.Draft,
        ["$id"] = Id,
        ["title"] = "CloudEvents 1.0 envelope",
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["specversion"] = new JsonObject { ["const"] = CloudEvent.SpecVersion },
            ["id"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["description"] = "Unique per source; the same for a repeated delivery of the same event." },
            ["source"] = new JsonObject { ["type"] = "string", ["format"] = "uri-reference", ["minLength"] = 1 },
            ["type"] = new JsonObject { ["type"] = "string", ["pattern"] = @"^platform(\.[a-z][a-z0-9]*){3,5}\.v[1-9][0-9]*$" },
            ["subject"] = new JsonObject { ["type"] = "string", ["minLength"] = 1 },
            ["time"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
            ["datacontenttype"] = new JsonObject { ["const"] = CloudEvent.DataContentType },
            ["dataschema"] = new JsonObject { ["type"] = "string", ["format"] = "uri" },
            ["traceparent"] = new JsonObject { ["type"] = "string", ["description"] = "W3C trace context of the change that caused the event (extension, as Dapr sets it)." },
            ["data"] = new JsonObject { ["type"] = "object" },
        },
        ["required"] = new JsonArray("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data"),
    };
}
