using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.CadGenerator;

/// <summary>CadGenerator's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class CadGeneratorTelemetry
{
    public const string Name = "Platform.CadGenerator";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> ParameterSetsChecked = Meter.CreateCounter<long>(
        "platform.cadgenerator.parameter_sets.checked", unit: "{set}", description: "Template parameter sets checked, by template and outcome.");
}
