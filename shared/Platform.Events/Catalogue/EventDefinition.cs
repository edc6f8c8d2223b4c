using System.Text.Json.Nodes;
using MassTransit;
using Platform.Events.Ingestion;
using Platform.Messaging.Outbox;

namespace Platform.Events.Catalogue;

/// <summary>
/// One integration event of the public catalogue: the bus record an owning service publishes through
/// its transactional outbox, and how it appears to business systems as a CloudEvent (type, source,
/// subject, the account it belongs to, the topic it is published on, and the JSON Schema of its data).
/// </summary>
public abstract class EventDefinition
{
    private JsonObject? _schema;

    protected EventDefinition(string service, string type, Type recordType, string title, string description)
    {
        if (!EventTypes.IsValid(type) || !type.StartsWith($"platform.{service}.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Event type '{type}' must read platform.{service}.<resource>.<verb>.v<N>.", nameof(type));
        }

        Service = service;
        Type = type;
        RecordType = recordType;
        Title = title;
        Description = description;
    }

    /// <summary>The owning service (<c>billing</c>, <c>ingest</c>, ...).</summary>
    public string Service { get; }

    /// <summary>The CloudEvents <c>type</c>, e.g. <c>platform.billing.credits.captured.v1</c>; the version is its last part.</summary>
    public string Type { get; }

    public int Version => EventTypes.VersionOf(Type);

    public Type RecordType { get; }

    public string Title { get; }

    public string Description { get; }

    /// <summary>The CloudEvents <c>source</c>: the service that owns the state change.</summary>
    public string Source => "urn:platform:" + Service;

    /// <summary>The topic (one RabbitMQ exchange, Dapr's pubsub.rabbitmq shape) the event is published on; the routing key is <see cref="Type"/>.</summary>
    public string Topic => "platform." + Service;

    /// <summary>The CloudEvents <c>dataschema</c>: names the versioned schema (docs/events/schemas/{type}.json).</summary>
    public string DataSchemaUri => "urn:platform:events:schema:" + Type;

    /// <summary>A template of the subject for documentation, e.g. <c>accounts/{accountId}/reservations/{reservationId}</c>.</summary>
    public abstract string SubjectTemplate { get; }

    /// <summary>The JSON Schema (2020-12) of the event's <c>data</c>, generated from the record.</summary>
    public JsonObject DataSchema => (JsonObject)(_schema ??= DataSchemas.Generate(this)).DeepClone();

    public abstract string SubjectOf(object record);

    public abstract Guid AccountOf(object record);

    /// <summary>When the occurrence happened, from the record (the CloudEvents <c>time</c>).</summary>
    public abstract DateTimeOffset TimeOf(object record);

    /// <summary>
    /// The record's ordering key in its owner's outbox: its subject, so the relay keeps one subject's
    /// events in order and lets other subjects' overtake them (many publishes outstanding at once).
    /// </summary>
    public abstract OutboxOrderingKey OrderingKey { get; }

    /// <summary>Adds the consumer that takes this record off the bus, on the endpoint <paramref name="endpoint"/> configures.</summary>
    public abstract void AddConsumer(IBusRegistrationConfigurator bus, Action<IEndpointRegistrationConfigurator> endpoint);
}

/// <summary>An <see cref="EventDefinition"/> for record type <typeparamref name="T"/>.</summary>
public sealed class EventDefinition<T>(
    string service,
    string type,
    string title,
    string description,
    string subjectTemplate,
    Func<T, string> subject,
    Func<T, Guid> account,
    Func<T, DateTimeOffset> time)
    : EventDefinition(service, type, typeof(T), title, description)
    where T : class
{
    public override string SubjectTemplate => subjectTemplate;

    public override string SubjectOf(object record) => subject((T)record);

    public override OutboxOrderingKey OrderingKey { get; } = OutboxOrderingKey.For(subject);

    public override Guid AccountOf(object record) => account((T)record);

    public override DateTimeOffset TimeOf(object record) => time((T)record);

    public override void AddConsumer(IBusRegistrationConfigurator bus, Action<IEndpointRegistrationConfigurator> endpoint) =>
        bus.AddConsumer<IntegrationEventConsumer<T>>().Endpoint(endpoint);
}
