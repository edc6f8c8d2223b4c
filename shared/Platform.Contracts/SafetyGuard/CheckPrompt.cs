namespace Platform.Contracts.SafetyGuard;

/// <summary>
/// Asks SafetyGuard to check a prompt under the account's policy. Answered with <see cref="PromptChecked"/>;
/// the decision is recorded in the account's audit log as an HTTP check would be.
/// </summary>
public sealed record CheckPrompt(Guid AccountId, string Text);

/// <summary>
/// The decision on a prompt: <c>allow</c>, <c>redact</c>, <c>require_approval</c> or <c>deny</c>, the rules that
/// fired, the pattern finding types, the classifier scores, and the redacted text when the decision is redact.
/// Input that cannot be checked (empty, too long) is denied with rule <c>input.empty</c> or <c>input.too_long</c>.
/// </summary>
public sealed record PromptChecked(
    Guid AccountId,
    string DecisionId,
    string Decision,
    IReadOnlyList<string> RuleIds,
    IReadOnlyList<string> FindingTypes,
    IReadOnlyDictionary<string, double> Scores,
    string? RedactedText);
