using Microsoft.Extensions.Logging;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Events.Log;
using Platform.Events.Topics;
using Platform.Events.Webhooks;

namespace Platform.Events.Ingestion;

/// <summary>
/// Turns catalogue records taken from the bus into CloudEvents, logs them with their webhook deliveries
/// (one transaction per batch), wakes the workers of the endpoints that got deliveries, and publishes the
/// events to their topics. Batches
/// come in bus order and are handled one at a time, so the log, the topics and every endpoint's queue
/// keep that order. A repeat (same message id) is not logged twice but is published again, because the
/// first attempt may have stopped between the log and the topic.
/// </summary>
public sealed class EventIngestor(EventLogStore log, ITopicPublisher topics, DeliverySignal deliveries, ILogger<EventIngestor> logger)
{
    public Task IngestAsync(object record, Guid messageId, string? traceParent, CancellationToken cancellationToken) =>
        IngestAsync([new IncomingRecord(record, messageId, traceParent)], cancellationToken);

    public async Task IngestAsync(IReadOnlyList<IncomingRecord> batch, CancellationToken cancellationToken)
    {
        var events = new List<(string Topic, CloudEvent Event)>(batch.Count);
        foreach (var incoming in batch)
        {
            var definition = EventCatalogue.ForRecord(incoming.Record.GetType());
            events.Add((definition.Topic, CloudEvent.Create(definition, incoming.Record, incoming.MessageId, incoming.TraceParent)));
        }

        var appended = await log.AppendAsync([.. events.Select(e => e.Event).DistinctBy(e => e.Id)], cancellationToken);
        if (appended.Logged < events.Count)
        {
            logger.LogDebug("{Repeats} of {Count} events were already logged (redelivered); publishing them again", events.Count - appended.Logged, events.Count);
        }

        EventsTelemetry.Ingested.Add(appended.Logged);
        // The deliveries are committed: their endpoints' workers start now, while the topics are published.
        deliveries.Notify(appended.Subscriptions);
        await topics.PublishAsync(events, cancellationToken);
    }
}

/// <summary>A catalogue record as it came off the bus: its message id becomes the CloudEvent id.</summary>
public sealed record IncomingRecord(object Record, Guid MessageId, string? TraceParent);
