using MassTransit;

namespace Platform.Events.Ingestion;

/// <summary>Takes catalogue record <typeparamref name="T"/> off the bus; the outbox's message id becomes the CloudEvent id.</summary>
public sealed class IntegrationEventConsumer<T>(EventIngestor ingestor) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context) =>
        ingestor.IngestAsync(
            context.Message,
            context.MessageId ?? throw new InvalidOperationException($"A {typeof(T).Name} without a message id cannot become a CloudEvent."),
            context.CancellationToken);
}
