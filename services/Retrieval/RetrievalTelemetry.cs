using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Retrieval;

/// <summary>Retrieval's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class RetrievalTelemetry
{
    public const string Name = "Platform.Retrieval";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
