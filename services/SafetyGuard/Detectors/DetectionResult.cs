namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Everything the detectors found in one text, in order of position. Classifier scores join this
/// result when the trained detectors arrive; policies read it, never the detectors directly.
/// </summary>
public sealed record DetectionResult(IReadOnlyList<Finding> Findings)
{
    public static readonly DetectionResult Empty = new([]);

    /// <summary>How many findings of each type, for audit records that must not hold the text.</summary>
    public IReadOnlyDictionary<string, int> CountsByType() =>
        Findings.GroupBy(f => f.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
