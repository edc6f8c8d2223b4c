using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Events.Topics;
using Platform.Events.Webhooks;

namespace Platform.Events.Documents;

/// <summary>
/// The public documents generated from the catalogue: docs/events/catalogue.md, docs/events/asyncapi.json
/// and one JSON Schema per event type (docs/events/schemas/). A test compares them with the committed
/// files, so the documentation cannot drift from the code.
/// </summary>
public static class EventDocuments
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Every generated file, by path relative to docs/events/.</summary>
    public static IReadOnlyDictionary<string, string> All()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["catalogue.md"] = Catalogue(),
            ["asyncapi.json"] = AsyncApi(),
            ["schemas/cloudevent.json"] = Json(CloudEventSchema.Create()),
        };
        foreach (var definition in EventCatalogue.All)
        {
            files[$"schemas/{definition.Type}.json"] = Json(definition.DataSchema);
        }

        return files;
    }

    public static string Json(JsonNode node) => node.ToJsonString(Indented).Replace("\r\n", "\n") + "\n";

    public static string Catalogue()
    {
        var md = new StringBuilder();
        md.Append("""
            # Event catalogue

            <!-- Generated from shared/Platform.Events/Catalogue/EventCatalogue.cs by EventDocuments; do not edit by hand.
                 Regenerate: PLATFORM_UPDATE_DOCS=1 dotnet test tests/Platform.Events.Tests --filter Documents -->

            Every integration event the platform emits for business systems. Each is a
            [CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) event in the
            JSON format (structured mode, `application/cloudevents+json`): `specversion`, `id`, `source`, `type`,
            `subject`, `time` (RFC 3339, UTC), `datacontenttype` (`application/json`), `dataschema` (names the
            versioned schema of `data`, a file in [schemas/](schemas/)), `traceparent` (W3C trace context of the
            change that caused it, when known) and `data`. The envelope's own schema is
            [schemas/cloudevent.json](schemas/cloudevent.json); [asyncapi.json](asyncapi.json) describes the topics.

            - **Nothing is lost.** The owning service writes the event in the same database transaction as the
              state change (its transactional outbox) and relays it after commit; Billing's events module logs it
              and publishes it. Delivery is at least once: `id` stays the same on every repeat, so drop repeats by `id`.
            - **Order.** Events about one `subject` arrive in the order they happened, on a topic and on each webhook endpoint.
            - **Versions.** The last part of `type` is the version. Compatible additions (a new property) keep it;
              anything else is a new type (`.v2`) published beside the old one for a while.

            ## Topics (RabbitMQ, Dapr `pubsub.rabbitmq`)

            One exchange per topic, named as the topic, of kind `topic`, durable, not auto-deleted; the routing key
            is the event `type`. A Dapr sidecar subscribes with a plain subscription (see `infra/dapr/`):
            the component needs `exchangeKind: topic`, `durable: "true"`, `deletedWhenUnused: "false"`, and the
            subscription a `routingKey` (`#` for every type of the topic, or one type, or a pattern such as
            `platform.billing.credits.*.v1`). Topics exist in distributed and cluster mode (RabbitMQ transport);
            the standalone host has webhooks only.

            ## Webhooks

            `POST /v1/webhooks` on Billing (`{"url", "eventTypes": [...] or ["*"], "description"?}`) answers the
            signing secret once. Each delivery is an HTTP POST of the CloudEvent with headers
            `Platform-Event-Id`, `Platform-Event-Type`, `Platform-Delivery-Id`, `Platform-Delivery-Attempt` and
            `Platform-Signature: t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}." + body)}` (two `v1` values
            while a rotated secret overlaps). Verify it over the raw body, compare in constant time, and refuse
            timestamps far from your clock. A 2xx answer is success; anything else, or no answer within the
            timeout, is retried with exponential backoff, then the delivery is dead-lettered (kept in the delivery
            log, `GET /v1/webhooks/{id}/deliveries`, and sent again with `POST /v1/webhooks/{id}/replay`).
            Each endpoint has its own ordered queue: a failing endpoint waits alone.

            ## Events

            | type | title | topic | subject | source |
            |---|---|---|---|---|

            """.Replace("\r\n", "\n"));
        foreach (var d in EventCatalogue.All)
        {
            md.Append($"| [`{d.Type}`](#{Anchor(d.Type)}) | {d.Title} | `{d.Topic}` | `{d.SubjectTemplate}` | `{d.Source}` |\n");
        }

        foreach (var d in EventCatalogue.All)
        {
            md.Append($"\n### {d.Type}\n\n{d.Title}: {d.Description}\n\n");
            md.Append($"- bus record: `{d.RecordType.FullName}`\n");
            md.Append($"- topic `{d.Topic}`, routing key `{d.Type}`; subject `{d.SubjectTemplate}`\n");
            md.Append($"- data schema: [`schemas/{d.Type}.json`](schemas/{d.Type}.json) (`{d.DataSchemaUri}`)\n\n");
            md.Append("| data property | type | required |\n|---|---|---|\n");
            var schema = d.DataSchema;
            var required = (schema["required"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToHashSet() ?? [];
            foreach (var (name, property) in schema["properties"]!.AsObject())
            {
                md.Append($"| `{name}` | {TypeText(property!)} | {(required.Contains(name) ? "yes" : "no")} |\n");
            }
        }

        return md.ToString();
    }

    private static string TypeText(JsonNode property)
    {
        var type = property["type"] switch
        {
            JsonArray types => string.Join(" or ", types.Select(t => t!.GetValue<string>())),
            JsonValue value => value.GetValue<string>(),
            _ => "any",
        };
        return property["format"] is JsonValue format ? $"{type} ({format.GetValue<string>()})" : type;
    }

    private static string Anchor(string type) => type.Replace(".", "", StringComparison.Ordinal);

    public static string AsyncApi()
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        var schemas = new JsonObject { ["CloudEvent"] = CloudEventSchema.Create() };
        foreach (var topic in EventCatalogue.Topics)
        {
            var channelMessages = new JsonObject();
            foreach (var d in EventCatalogue.All.Where(d => d.Topic == topic))
            {
                var name = MessageName(d);
                schemas[name + "Data"] = d.DataSchema;
                messages[name] = new JsonObject
                {
                    ["name"] = d.Type,
                    ["title"] = d.Title,
                    ["summary"] = d.Description,
                    ["contentType"] = CloudEvent.ContentType,
                    ["payload"] = new JsonObject
                    {
                        ["allOf"] = new JsonArray(
                            new JsonObject { ["$ref"] = "#/components/schemas/CloudEvent" },
                            new JsonObject
                            {
                                ["type"] = "object",
                                ["properties"] = new JsonObject
                                {
                                    ["type"] = new JsonObject { ["const"] = d.Type },
                                    ["source"] = new JsonObject { ["const"] = d.Source },
                                    ["dataschema"] = new JsonObject { ["const"] = d.DataSchemaUri },
                                    ["data"] = new JsonObject { ["$ref"] = $"#/components/schemas/{name}Data" },
                                },
                            }),
                    },
                    ["bindings"] = new JsonObject
                    {
                        ["amqp"] = new JsonObject { ["contentEncoding"] = "utf-8", ["messageType"] = d.Type, ["bindingVersion"] = "0.3.0" },
                    },
                };
                channelMessages[name] = new JsonObject { ["$ref"] = $"#/components/messages/{name}" };
            }

            var channelId = topic.Replace(".", "-", StringComparison.Ordinal);
            channels[channelId] = new JsonObject
            {
                ["address"] = topic,
                ["description"] = $"Exchange `{topic}` (kind {RabbitMqTopicPublisher.ExchangeKind}); the routing key is the event type.",
                ["messages"] = channelMessages,
                ["bindings"] = new JsonObject
                {
                    ["amqp"] = new JsonObject
                    {
                        ["is"] = "routingKey",
                        ["exchange"] = new JsonObject
                        {
                            ["name"] = topic,
                            ["type"] = RabbitMqTopicPublisher.ExchangeKind,
                            ["durable"] = true,
                            ["autoDelete"] = false,
                            ["vhost"] = "/",
                        },
                        ["bindingVersion"] = "0.3.0",
                    },
                },
            };
            operations["publish-" + channelId] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = new JsonObject { ["$ref"] = $"#/channels/{channelId}" },
                ["summary"] = $"The platform publishes the events of {topic} after the change that caused them committed.",
                ["messages"] = new JsonArray([.. channelMessages.Select(m => (JsonNode)new JsonObject { ["$ref"] = $"#/channels/{channelId}/messages/{m.Key}" })]),
            };
        }

        var document = new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Platform events",
                ["version"] = "1.0.0",
                ["description"] =
                    "CloudEvents 1.0 (JSON, structured mode) published by the platform, one RabbitMQ exchange per topic in the shape " +
                    "Dapr's pubsub.rabbitmq component reads. The same events go to signed webhooks (" + WebhookSignature.Header +
                    " header); see catalogue.md. Generated from the code.",
            },
            ["defaultContentType"] = CloudEvent.ContentType,
            ["servers"] = new JsonObject
            {
                ["rabbitmq"] = new JsonObject
                {
                    ["host"] = "rabbitmq:5672",
                    ["protocol"] = "amqp",
                    ["protocolVersion"] = "0.9.1",
                    ["description"] = "The platform's RabbitMQ (distributed and cluster mode).",
                },
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject { ["messages"] = messages, ["schemas"] = schemas },
        };
        return Json(document);
    }

    private static string MessageName(EventDefinition definition) =>
        string.Concat(definition.Type.Split('.').Skip(1).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
