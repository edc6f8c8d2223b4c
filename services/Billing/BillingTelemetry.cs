using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Billing;

/// <summary>Billing's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class BillingTelemetry
{
    public const string Name = "Platform.Billing";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> KeysResolved = Meter.CreateCounter<long>(
        "platform.billing.api_keys.resolved", unit: "{key}", description: "API key lookups answered, by outcome.");

    public static readonly Counter<long> Transfers = Meter.CreateCounter<long>(
        "platform.billing.transfers", unit: "{transfer}", description: "Ledger commands answered, by kind and outcome (replays included).");

    public static readonly Counter<long> Credits = Meter.CreateCounter<long>(
        "platform.billing.credits", unit: "{micro-credit}", description: "Micro-credits moved by new transfers, by kind.");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "platform.billing.ledger.batch.size", unit: "{command}", description: "Commands written per ledger transaction (group commit).");

    public static readonly Histogram<double> BatchLatency = Meter.CreateHistogram<double>(
        "platform.billing.ledger.batch.duration", unit: "ms", description: "Time to load, decide and commit one ledger batch.");

    public static readonly Counter<long> ReservationsExpired = Meter.CreateCounter<long>(
        "platform.billing.reservations.expired", unit: "{transfer}", description: "Reservations voided by the expiry sweeper.");

    public static readonly Counter<long> UsageCharged = Meter.CreateCounter<long>(
        "platform.billing.usage.charge", unit: "{micro-credit}", description: "Micro-credits of recorded usage, by kind.");
}
