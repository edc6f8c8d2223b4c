using System.Text.Json;

namespace Platform.Contracts.SafetyGuard;

/// <summary>
/// Asks SafetyGuard whether an agent may call <see cref="Tool"/> with <see cref="Arguments"/> (a JSON object)
/// at an estimated cost in micro-credits. Answered with <see cref="ActionChecked"/>.
/// </summary>
public sealed record CheckAction(Guid AccountId, string Tool, JsonElement Arguments, long? EstimatedCost);

/// <summary>
/// The decision on an action (<c>allow</c>, <c>require_approval</c> or <c>deny</c>), the rules that fired, each
/// violation found, and the tool's risk level (null for an unknown tool, which is denied by <c>action.tool.unknown</c>).
/// </summary>
public sealed record ActionChecked(
    Guid AccountId,
    string DecisionId,
    string Decision,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<ActionViolationDetail> Violations,
    string? Risk);

/// <summary>One reason an action was stopped: rule id, field (<c>arguments.url</c>) and message.</summary>
public sealed record ActionViolationDetail(string RuleId, string Field, string Message);
