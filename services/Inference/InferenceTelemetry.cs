using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Inference;

/// <summary>Inference's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class InferenceTelemetry
{
    public const string Name = "Platform.Inference";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> InvalidManifests = Meter.CreateCounter<long>(
        "platform.inference.models.invalid", unit: "{model}", description: "Model folders whose manifest failed validation when the repository was read.");
}
