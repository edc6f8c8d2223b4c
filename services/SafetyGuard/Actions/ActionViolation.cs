namespace Platform.SafetyGuard.Actions;

/// <summary>Why an action was stopped: the rule id, the field it concerns (<c>arguments.url</c>, <c>tool</c>, <c>estimatedCost</c>) and a readable reason.</summary>
public sealed record ActionViolation(string RuleId, string Field, string Message);
