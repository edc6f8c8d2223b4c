using System.Text.Json.Nodes;
using Platform.Agents.Runs;

namespace Platform.Agents.Tools;

/// <summary>
/// What one tool call gave: an output, or a typed failure (<see cref="ErrorKinds.Transient"/>: worth another
/// attempt; <see cref="ErrorKinds.Permanent"/>: it will fail again). A failing tool never yields an empty output
/// that could pass for data. <see cref="Usage"/> is what the call consumed, metered to Billing when it reached the tool.
/// <see cref="MeteredCost"/> is what the tool's own service already metered against the run's reservation (CadGenerator
/// meters its render itself): it counts as the step's cost and is not metered again.
/// </summary>
public sealed record ToolResult(JsonNode? Output, string? ErrorKind, string? Error, ToolUsage? Usage, long ToolMs, long MeteredCost = 0)
{
    public bool Succeeded => ErrorKind is null;

    public static ToolResult Success(JsonNode output, ToolUsage? usage) => new(output, null, null, usage, 0);

    /// <summary>A success whose cost the tool's service metered against the run's reservation itself.</summary>
    public static ToolResult MeteredSuccess(JsonNode output, long meteredCost) => new(output, null, null, null, 0, meteredCost);

    public static ToolResult Transient(string error, ToolUsage? usage = null) => new(null, ErrorKinds.Transient, error, usage, 0);

    public static ToolResult Permanent(string error, ToolUsage? usage = null) => new(null, ErrorKinds.Permanent, error, usage, 0);
}

/// <summary>Usage of one call, as Billing's RecordUsage prices it: a kind, the model whose token prices apply, tokens and tool calls.</summary>
public sealed record ToolUsage(string Kind, string? Model, long InputTokens, long OutputTokens, long ToolCalls)
{
    public static readonly ToolUsage OneCall = new("tool-call", null, 0, 0, 1);
}
