using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Actions;

/// <summary>
/// The action half of a policy: an allow-list of tools (anything else is denied), a cost ceiling
/// for one action, and the outcome each risk level leads to.
/// </summary>
public sealed record ActionPolicy(
    IReadOnlyDictionary<string, ToolRule> Tools,
    long? MaxCost,
    IReadOnlyDictionary<RiskLevel, DecisionOutcome> RiskOutcomes);
