using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.SafetyGuard;

/// <summary>SafetyGuard's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class SafetyGuardTelemetry
{
    public const string Name = "Platform.SafetyGuard";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
