using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Events;

/// <summary>The events module's spans and metrics (exported with the other <c>Platform.*</c> sources).</summary>
public static class EventsTelemetry
{
    public const string Name = "Platform.Events";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Ingested = Meter.CreateCounter<long>(
        "platform.events.ingested", unit: "{event}", description: "Catalogue records turned into CloudEvents and logged, by type (repeats excluded).");

    public static readonly Counter<long> TopicPublished = Meter.CreateCounter<long>(
        "platform.events.topic.published", unit: "{event}", description: "CloudEvents published to their topic exchange, by topic.");

    public static readonly Counter<long> DeliveryAttempts = Meter.CreateCounter<long>(
        "platform.events.webhook.attempts", unit: "{attempt}", description: "Webhook delivery attempts, by outcome (succeeded, failed, dead).");

    public static readonly Histogram<double> DeliveryDuration = Meter.CreateHistogram<double>(
        "platform.events.webhook.duration", unit: "ms", description: "Time of one webhook delivery attempt.");

    public static readonly Histogram<double> DeliveryLag = Meter.CreateHistogram<double>(
        "platform.events.webhook.lag", unit: "ms", description: "From the event's logging to its successful delivery.");
}
