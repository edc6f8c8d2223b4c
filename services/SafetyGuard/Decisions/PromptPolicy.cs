using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// Decides a prompt from what the detectors found: every matching rule fires, and the strictest
/// action wins. Only the findings of rules that redact are redacted.
/// </summary>
public sealed record PromptPolicy(string Id, IReadOnlyList<PromptRule> Rules)
{
    public const string SecretsBlock = "secrets.block";
    public const string PiiRedact = "pii.redact";

    /// <summary>
    /// The policy every account has until it sets its own: credentials never pass, personal data
    /// is replaced by typed placeholders.
    /// </summary>
    public static PromptPolicy Default { get; } = new("default",
    [
        new(SecretsBlock, DecisionOutcome.Deny, new HashSet<string>(StringComparer.Ordinal)
        {
            "private_key", "jwt", "aws_access_key_id", "github_token",
        }),
        new(PiiRedact, DecisionOutcome.Redact, new HashSet<string>(StringComparer.Ordinal)
        {
            "email", "payment_card", "iban", "ipv4",
        }),
    ]);

    public PolicyDecision Decide(DetectionResult detection)
    {
        var outcome = DecisionOutcome.Allow;
        var ruleIds = new List<string>();
        var toRedact = new List<Finding>();
        foreach (var rule in Rules)
        {
            var matched = detection.Findings.Where(rule.Matches).ToList();
            if (matched.Count == 0)
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
