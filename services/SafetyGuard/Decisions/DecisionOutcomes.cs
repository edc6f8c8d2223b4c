namespace Platform.SafetyGuard.Decisions;

/// <summary>The wire and storage names of <see cref="DecisionOutcome"/> (the same everywhere).</summary>
public static class DecisionOutcomes
{
    public static string ToName(this DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Allow => "allow",
        DecisionOutcome.Redact => "redact",
        DecisionOutcome.RequireApproval => "require_approval",
        DecisionOutcome.Deny => "deny",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static bool TryParse(string? name, out DecisionOutcome outcome)
    {
        foreach (var candidate in Enum.GetValues<DecisionOutcome>())
        {
            if (candidate.ToName() == name)
            {
                outcome = candidate;
                return true;
            }
        }

        outcome = default;
        return false;
    }

    public static string AllNames => string.Join(", ", Enum.GetValues<DecisionOutcome>().Select(o => o.ToName()));
}
