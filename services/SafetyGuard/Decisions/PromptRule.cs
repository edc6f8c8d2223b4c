using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// One rule of a prompt policy. It fires with <see cref="Action"/> when any finding of a pattern
/// detector in <see cref="Detectors"/> is present, when a classifier in it scores at least
/// <see cref="Threshold"/>, or when it lists <see cref="InjectionRules.DetectorName"/> and an injection rule matched.
/// </summary>
public sealed record PromptRule(string Id, DecisionOutcome Action, IReadOnlySet<string> Detectors, double Threshold = 0.5)
{
    public bool Matches(Finding finding) => Detectors.Contains(finding.Type);

    public bool UsesInjectionRules { get; } = Detectors.Contains(InjectionRules.DetectorName);

    public bool FiresOn(DetectionResult detection)
    {
        if (UsesInjectionRules && detection.InjectionRuleIds.Count > 0)
        {
            return true;
        }

        foreach (var score in detection.Scores)
        {
            if (score.Score >= Threshold && Detectors.Contains(score.Name))
            {
                return true;
            }
        }

        return false;
    }
}
