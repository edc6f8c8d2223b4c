using System.Diagnostics.Metrics;

namespace Platform.Inference.Upstream;

/// <summary>The upstream proxy's metrics, on Inference's meter (<see cref="InferenceTelemetry"/>); spans use its source.</summary>
public static class UpstreamTelemetry
{
    public static readonly Histogram<double> Duration = InferenceTelemetry.Meter.CreateHistogram<double>(
        "platform.inference.upstream.duration", unit: "s",
        description: "One upstream call, from sending the request to the end of the answer (streams: the last event); tags route, model, outcome.");

    public static readonly Histogram<double> TimeToFirstEvent = InferenceTelemetry.Meter.CreateHistogram<double>(
        "platform.inference.upstream.time_to_first_event", unit: "s",
        description: "Streams: from sending the request to the upstream's first server-sent event, retries included.");

    public static readonly Counter<long> Tokens = InferenceTelemetry.Meter.CreateCounter<long>(
        "platform.inference.upstream.tokens", unit: "{token}",
        description: "Tokens of answered chat completions; tags direction (input|output), model, route, source (upstream|counted).");

    public static readonly Counter<long> Retries = InferenceTelemetry.Meter.CreateCounter<long>(
        "platform.inference.upstream.retries", unit: "{retry}",
        description: "Retried upstream attempts (connection error, timeout, 429, 5xx); tag route.");

    public static readonly Counter<long> Fallbacks = InferenceTelemetry.Meter.CreateCounter<long>(
        "platform.inference.upstream.fallbacks", unit: "{fallback}",
        description: "Requests moved to the next route after a route failed; tags from, model, reason.");

    public static readonly Counter<long> Escalations = InferenceTelemetry.Meter.CreateCounter<long>(
        "platform.inference.upstream.escalations", unit: "{escalation}",
        description: "Cascade steps that handed a request to the next model; tags cascade, from, reason (failed|empty|truncated).");

    public static readonly Counter<long> UsageReports = InferenceTelemetry.Meter.CreateCounter<long>(
        "platform.inference.upstream.usage_reports", unit: "{report}",
        description: "Chat usage reports to Billing through the usage outbox; tag outcome (committed|failed).");
}
