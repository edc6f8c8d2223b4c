using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Messaging.Outbox;

internal static class OutboxTelemetry
{
    private static readonly Meter Meter = new("Platform.Messaging");

    /// <summary>The relay's publish spans, children of the span that wrote each message.</summary>
    public static readonly ActivitySource Source = new("Platform.Messaging");

    public static readonly Counter<long> Relayed = Meter.CreateCounter<long>(
        "platform.outbox.relayed", unit: "{message}", description: "Outbox messages published to the bus after commit.");
}
