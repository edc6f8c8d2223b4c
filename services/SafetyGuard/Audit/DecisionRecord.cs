using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Audit;

/// <summary>
/// One audited decision: what was decided and why, never the checked text itself, only its length
/// and SHA-256 (so a caller holding the text can prove which decision concerned it). For actions the
/// "text" is the tool name and the arguments' JSON, and <see cref="Tool"/> names the tool.
/// </summary>
public sealed record DecisionRecord(
    string Id,
    string Kind,
    DecisionOutcome Decision,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<FindingCount> Findings,
    double LatencyMs,
    long TextLength,
    string TextSha256,
    DateTimeOffset CreatedAt,
    string? Tool = null,
    IReadOnlyList<ClassifierScore>? Scores = null);

public sealed record FindingCount(string Type, int Count);
