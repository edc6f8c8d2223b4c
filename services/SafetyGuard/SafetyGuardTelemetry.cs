using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.SafetyGuard;

/// <summary>SafetyGuard's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class SafetyGuardTelemetry
{
    public const string Name = "Platform.SafetyGuard";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Decisions = Meter.CreateCounter<long>(
        "platform.safetyguard.decisions", unit: "{decision}", description: "Checks decided, by kind and outcome.");

    public static readonly Counter<long> Findings = Meter.CreateCounter<long>(
        "platform.safetyguard.findings", unit: "{finding}", description: "Detector findings, by type.");

    public static readonly Histogram<double> CheckDuration = Meter.CreateHistogram<double>(
        "platform.safetyguard.check.duration", unit: "ms", description: "Time to normalise, detect and decide one check (without the audit write).");

    public static readonly Histogram<int> AuditBatchSize = Meter.CreateHistogram<int>(
        "platform.safetyguard.audit.batch.size", unit: "{record}", description: "Decision records written per audit transaction.");

    public static readonly Histogram<double> AuditBatchDuration = Meter.CreateHistogram<double>(
        "platform.safetyguard.audit.batch.duration", unit: "ms", description: "Time to write and commit one audit transaction (records and GuardDenied events).");
}
