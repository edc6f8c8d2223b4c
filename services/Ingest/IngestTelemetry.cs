using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Ingest;

/// <summary>Ingest's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class IngestTelemetry
{
    public const string Name = "Platform.Ingest";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
