using System.Diagnostics;
using MassTransit;

namespace Platform.Events.Ingestion;

/// <summary>
/// Takes catalogue record <typeparamref name="T"/> off the in-memory bus (standalone mode), one message
/// at a time; the outbox's message id becomes the CloudEvent id. On RabbitMQ, <see cref="RabbitMqEventSource"/>
/// takes them instead, in batches.
/// </summary>
public sealed class IntegrationEventConsumer<T>(EventIngestor ingestor) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context) =>
        ingestor.IngestAsync(
            context.Message,
            context.MessageId ?? throw new InvalidOperationException($"A {typeof(T).Name} without a message id cannot become a CloudEvent."),
            Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null,
            context.CancellationToken);
}
