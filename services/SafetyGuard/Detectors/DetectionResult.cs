using Platform.SafetyGuard.Classifiers;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Everything the detectors found in one text: pattern findings in order of position, and the
/// trained classifiers' scores (empty when the policy asked for none), and the ids of the
/// <see cref="InjectionRules"/> that matched (empty when the policy uses none). Policies read this,
/// never the detectors directly.
/// </summary>
public sealed record DetectionResult(IReadOnlyList<Finding> Findings, IReadOnlyList<ClassifierScore> Scores)
{
    public static readonly DetectionResult Empty = new([], []);

    /// <summary>The <see cref="InjectionRules"/> ids that matched the text or a blob decoded from it.</summary>
    public IReadOnlyList<string> InjectionRuleIds { get; init; } = [];

    public DetectionResult(IReadOnlyList<Finding> findings)
        : this(findings, [])
    {
    }

    /// <summary>How many findings of each type, for audit records that must not hold the text.</summary>
    public IReadOnlyDictionary<string, int> CountsByType() =>
        Findings.GroupBy(f => f.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public double? ScoreOf(string classifier)
    {
        foreach (var score in Scores)
        {
            if (score.Name == classifier)
            {
                return score.Score;
            }
        }

        return null;
    }
}
