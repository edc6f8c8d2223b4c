using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Policies;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// Decides a prompt from what the detectors found: every matching rule fires, and the strictest
/// action wins. Only the findings of rules that redact are redacted.
/// </summary>
public sealed record PromptPolicy(IReadOnlyList<PromptRule> Rules)
{
    public const string SecretsBlock = "secrets.block";
    public const string PiiRedact = "pii.redact";

    /// <summary>The prompt rules of the shipped default policy (<c>Policies/default-policy.yaml</c>).</summary>
    public static PromptPolicy Default => GuardPolicy.Default.Prompt;

    /// <summary>True when some rule reads a classifier, so checks must pay for scoring.</summary>
    public bool UsesClassifiers { get; } = Rules.Any(r => r.Detectors.Any(d => PromptClassifiers.Names.Contains(d)));

    public PolicyDecision Decide(DetectionResult detection)
    {
        var outcome = DecisionOutcome.Allow;
        var ruleIds = new List<string>();
        var toRedact = new List<Finding>();
        foreach (var rule in Rules)
        {
            var matched = detection.Findings.Where(rule.Matches).ToList();
            if (matched.Count == 0 && !rule.FiresOn(detection))
            {
                continue;
            }

            ruleIds.Add(rule.Id);
            if (rule.Action > outcome)
            {
                outcome = rule.Action;
            }

            if (rule.Action == DecisionOutcome.Redact)
            {
                toRedact.AddRange(matched);
            }
        }

        return new PolicyDecision(outcome, ruleIds, outcome == DecisionOutcome.Redact ? toRedact : []);
    }
}
