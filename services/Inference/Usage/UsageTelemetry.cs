using System.Diagnostics.Metrics;

namespace Platform.Inference.Usage;

/// <summary>Metrics of the usage outbox (on <see cref="InferenceTelemetry.Meter"/>).</summary>
public static class UsageTelemetry
{
    private static Meter Meter => InferenceTelemetry.Meter;

    public static readonly Counter<long> Committed = Meter.CreateCounter<long>(
        "platform.inference.usage.committed", unit: "{report}", description: "Usage reports committed to the outbox (they reach Billing after commit, also across restarts).");

    public static readonly Counter<long> Messages = Meter.CreateCounter<long>(
        "platform.inference.usage.messages", unit: "{message}", description: "RecordUsage messages written to the outbox (embedding reports of one account and model are summed per commit).");

    public static readonly Counter<long> Failed = Meter.CreateCounter<long>(
        "platform.inference.usage.failed", unit: "{report}", description: "Usage reports that could not be committed (their requests answered 503, or, without WaitForCommit, were lost).");

    public static readonly Counter<long> Charged = Meter.CreateCounter<long>(
        "platform.inference.usage.charged", unit: "{micro-credit}", description: "What Billing charged for the usage reports it recorded (its answers to the reports).");

    public static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "platform.inference.usage.refused", unit: "{report}", description: "Usage reports Billing refused (insufficient credits, no price, invalid): served but unbilled work, by reason.");
}
