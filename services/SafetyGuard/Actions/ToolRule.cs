namespace Platform.SafetyGuard.Actions;

/// <summary>
/// A tool the policy allows, at a risk level, with constraints on its arguments and an optional
/// cost ceiling (micro-credits) below the policy-wide one.
/// </summary>
public sealed record ToolRule(string Name, RiskLevel Risk, long? MaxCost, IReadOnlyDictionary<string, ArgumentConstraint> Arguments);
