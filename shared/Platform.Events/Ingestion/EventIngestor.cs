using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Platform.Events.Catalogue;
using Platform.Events.CloudEvents;
using Platform.Events.Log;
using Platform.Events.Topics;
using Platform.Events.Webhooks;

namespace Platform.Events.Ingestion;

/// <summary>
/// Turns a catalogue record taken from the bus into its CloudEvent, logs it with its webhook deliveries
/// (one transaction), publishes it to its topic, and wakes the webhook dispatcher. Called once per bus
/// message, one at a time and in bus order; a repeat (same message id) is not logged twice but is
/// published again, because the first attempt may have stopped between the log and the topic.
/// </summary>
public sealed class EventIngestor(EventLogStore log, ITopicPublisher topics, DeliverySignal deliveries, ILogger<EventIngestor> logger)
{
    public async Task IngestAsync(object record, Guid messageId, CancellationToken cancellationToken)
    {
        var definition = EventCatalogue.ForRecord(record.GetType());
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
        var cloudEvent = CloudEvent.Create(definition, record, messageId, traceParent);

        var queued = await log.AppendAsync(cloudEvent, cancellationToken);
        if (queued is null)
        {
            logger.LogDebug("Event {EventId} ({Type}) was already logged; publishing it again", cloudEvent.Id, cloudEvent.Type);
        }
        else
        {
            EventsTelemetry.Ingested.Add(1, new KeyValuePair<string, object?>("type", cloudEvent.Type));
        }

        await topics.PublishAsync(definition.Topic, cloudEvent, cancellationToken);
        if (queued > 0)
        {
            deliveries.Notify();
        }
    }
}
