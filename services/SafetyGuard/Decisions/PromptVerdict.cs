using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>The result of checking one prompt, before it is recorded.</summary>
public sealed record PromptVerdict(
    DecisionOutcome Outcome,
    IReadOnlyList<string> RuleIds,
    DetectionResult Detection,
    string? RedactedText,
    TimeSpan Latency);
