using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>A policy's verdict: the outcome, the rules that fired, and what to redact when the outcome is redact.</summary>
public sealed record PolicyDecision(DecisionOutcome Outcome, IReadOnlyList<string> RuleIds, IReadOnlyList<Finding> Redactions);
