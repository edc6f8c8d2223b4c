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
}
