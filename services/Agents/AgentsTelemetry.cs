using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Agents;

/// <summary>Agents's own spans and metrics (exported by the service defaults as <c>Platform.*</c>).</summary>
public static class AgentsTelemetry
{
    public const string Name = "Platform.Agents";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> ToolsChanged = Meter.CreateCounter<long>(
        "platform.agents.tools.changed", unit: "{tool}", description: "HTTP tools declared or deleted by accounts, by change.");
}
