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

    public static readonly Histogram<double> RenderDuration = Meter.CreateHistogram<double>(
        "platform.cadgenerator.render.duration", unit: "s", description: "Time OpenSCAD ran in its sandbox, by outcome.");

    public static readonly Counter<long> MeshesValidated = Meter.CreateCounter<long>(
        "platform.cadgenerator.meshes.validated", unit: "{mesh}", description: "Rendered meshes checked, by outcome.");

    public static readonly Counter<long> LlmDesigns = Meter.CreateCounter<long>(
        "platform.cadgenerator.llm_designs", unit: "{design}", description: "Designs proposed by an LLM, by outcome (accepted or refused).");

    public static readonly Counter<long> JobsFinished = Meter.CreateCounter<long>(
        "platform.cadgenerator.jobs.finished", unit: "{job}", description: "CAD jobs that reached done or failed, by state.");

    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "platform.cadgenerator.job.duration", unit: "s", description: "Time from submission to done or failed.");
}
