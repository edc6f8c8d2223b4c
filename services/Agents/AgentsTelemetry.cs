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

    public static readonly Counter<long> RunsSubmitted = Meter.CreateCounter<long>(
        "platform.agents.runs.submitted", unit: "{run}", description: "Runs accepted by POST /v1/runs, by planner.");

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>(
        "platform.agents.runs.started", unit: "{run}", description: "Runs whose goal passed the guard and whose budget was reserved, by planner.");

    public static readonly Counter<long> RunsFinished = Meter.CreateCounter<long>(
        "platform.agents.runs.finished", unit: "{run}", description: "Runs that ended, by final state.");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "platform.agents.run.duration", unit: "s", description: "From the saga's start to the run's end, by final state.");

    public static readonly Counter<long> StepsFinished = Meter.CreateCounter<long>(
        "platform.agents.steps.finished", unit: "{step}", description: "Steps that ended, by tool and outcome.");

    public static readonly Histogram<double> ToolDuration = Meter.CreateHistogram<double>(
        "platform.agents.tool.duration", unit: "ms", description: "One tool call's time, by tool and outcome (success, transient, permanent).");

    public static readonly Counter<long> StepCost = Meter.CreateCounter<long>(
        "platform.agents.step.cost", unit: "{micro-credit}", description: "Micro-credits the steps' tool calls were priced at, by tool.");
}
