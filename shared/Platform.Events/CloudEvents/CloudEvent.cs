using System.Globalization;
using System.Text.Json;
using Platform.Events.Catalogue;

namespace Platform.Events.CloudEvents;

/// <summary>
/// A CloudEvents 1.0 event in the JSON format (structured mode): the body that goes to the RabbitMQ
/// topics and to webhooks, byte for byte the same, as stored in the event log.
/// </summary>
public sealed record CloudEvent(
    string Id,
    string Source,
    string Type,
    string Subject,
    DateTimeOffset Time,
    string DataSchema,
    Guid AccountId,
    byte[] Body)
{
    public const string SpecVersion = "1.0";

    /// <summary>The media type of a structured-mode CloudEvents JSON body.</summary>
    public const string ContentType = "application/cloudevents+json";

    public const string DataContentType = "application/json";

    /// <summary>
    /// The envelope of <paramref name="record"/>: <paramref name="id"/> is the bus message id, which the
    /// outbox keeps across redeliveries, so a repeat has the same id and receivers can drop it.
    /// <paramref name="traceParent"/> (W3C) becomes the <c>traceparent</c> extension, as Dapr does.
    /// </summary>
    public static CloudEvent Create(EventDefinition definition, object record, Guid id, string? traceParent)
    {
        var subject = definition.SubjectOf(record);
        var time = definition.TimeOf(record).ToUniversalTime();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", SpecVersion);
            writer.WriteString("id", id.ToString("D"));
            writer.WriteString("source", definition.Source);
            writer.WriteString("type", definition.Type);
            writer.WriteString("subject", subject);
            writer.WriteString("time", FormatTime(time));
            writer.WriteString("datacontenttype", DataContentType);
            writer.WriteString("dataschema", definition.DataSchemaUri);
            if (traceParent is not null)
            {
                writer.WriteString("traceparent", traceParent);
            }

            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, record, definition.RecordType, EventJson.Options);
            writer.WriteEndObject();
        }

        return new CloudEvent(
            id.ToString("D"), definition.Source, definition.Type, subject, time, definition.DataSchemaUri,
            definition.AccountOf(record), buffer.WrittenSpan.ToArray());
    }

    /// <summary>RFC 3339 in UTC with milliseconds, e.g. <c>2026-11-22T10:15:30.123Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
