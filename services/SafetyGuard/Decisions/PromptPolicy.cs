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

    /// <summary>True when some rule lists <see cref="InjectionRules.DetectorName"/>, so checks must run the injection rules.</summary>
    public bool UsesInjectionRules { get; } = Rules.Any(r => r.UsesInjectionRules);

    public PolicyDecision Decide(DetectionResult detection)
    {
        var outcome = DecisionOutcome.Allow;
        var ruleIds = new List<string>(4);
        List<Finding>? toRedact = null;
        foreach (var rule in Rules)
        {
            var matched = false;
            foreach (var finding in detection.Findings)
            {
                if (rule.Matches(finding))
                {
                    matched = true;
                    if (rule.Action == DecisionOutcome.Redact)
                    {
                        (toRedact ??= []).Add(finding);
                    }
                }
            }

            if (!matched && !rule.FiresOn(detection))
            {
                continue;
            }

            ruleIds.Add(rule.Id);
            if (rule.UsesInjectionRules)
            {
                // Say which injection rules matched, after the policy rule they made fire.
                foreach (var id in detection.InjectionRuleIds)
                {
                    if (!ruleIds.Contains(id))
                    {
                        ruleIds.Add(id);
                    }
                }
            }

            if (rule.Action > outcome)
            {
                outcome = rule.Action;
            }
        }

        return new PolicyDecision(outcome, ruleIds, outcome == DecisionOutcome.Redact && toRedact is not null ? toRedact : []);
    }
}
