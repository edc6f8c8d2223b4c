using System.Text.Json;

namespace Platform.Agents.Runs;

/// <summary>
/// A validated run request, stored with the run (<c>agent_runs.spec</c>) and read by its saga at every step.
/// <paramref name="Planner"/> is <see cref="Planners.Explicit"/> (the <paramref name="Steps"/> are the plan) or
/// <see cref="Planners.Llm"/> (an LLM chooses each step from <paramref name="AllowedTools"/>).
/// </summary>
public sealed record RunSpec(
    string Goal,
    string Planner,
    IReadOnlyList<PlanStep> Steps,
    long Budget,
    int MaxSteps,
    IReadOnlyList<string> AllowedTools,
    RunPolicy Policy);

/// <summary>One planned tool call. <paramref name="Arguments"/> may hold <c>{"$ref": "..."}</c> references (see <see cref="StepReference"/>).</summary>
public sealed record PlanStep(string Id, string Tool, JsonElement Arguments, long? MaxCost);

/// <summary>
/// The run's own rules, applied by Agents on top of the account's SafetyGuard policy (the stricter wins).
/// <paramref name="RequireApproval"/>: tool names (or <c>*</c>) whose calls wait for a person.
/// <paramref name="AllowedDomains"/>: hosts HTTP tools may call (<c>example.com</c>, <c>*.example.com</c>); empty = any host the account declared.
/// </summary>
public sealed record RunPolicy(
    IReadOnlyList<string> RequireApproval,
    int ApprovalTimeoutSeconds,
    IReadOnlyList<string> AllowedDomains,
    int MaxAttempts)
{
    public bool RequiresApproval(string tool) => RequireApproval.Any(t => t == "*" || t == tool);
}

public static class Planners
{
    public const string Explicit = "explicit";
    public const string Llm = "llm";
}
