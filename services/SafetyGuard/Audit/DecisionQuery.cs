using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Audit;

/// <summary>A page of one account's decisions, newest first: filters plus the id of the last one already seen.</summary>
public sealed record DecisionQuery(
    DecisionOutcome? Decision,
    DateTimeOffset? From,
    DateTimeOffset? To,
    int Limit,
    string? After);
