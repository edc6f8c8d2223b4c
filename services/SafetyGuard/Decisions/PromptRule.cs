using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// One rule of a prompt policy: when any finding of <see cref="FindingTypes"/> is present, the rule
/// fires with <see cref="Action"/>. Rules are data, so YAML policies can supply them later.
/// </summary>
public sealed record PromptRule(string Id, DecisionOutcome Action, IReadOnlySet<string> FindingTypes)
{
    public bool Matches(Finding finding) => FindingTypes.Contains(finding.Type);
}
