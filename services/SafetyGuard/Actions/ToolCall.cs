using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>An action an agent wants to take: a tool, its arguments (a JSON object) and what it expects to spend (micro-credits).</summary>
public sealed record ToolCall(string Tool, JsonElement Arguments, long? EstimatedCost);
