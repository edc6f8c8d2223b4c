using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Actions;

/// <summary>The result of checking one action, before it is recorded.</summary>
public sealed record ActionVerdict(
    DecisionOutcome Outcome,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<ActionViolation> Violations,
    RiskLevel? Risk,
    TimeSpan Latency);
