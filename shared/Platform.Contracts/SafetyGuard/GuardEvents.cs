namespace Platform.Contracts.SafetyGuard;

// SafetyGuard's integration events, for business systems (CloudEvents, webhooks) and other services.
// Each is written to SafetyGuard's transactional outbox in the same transaction as the audit record of
// the decision it reports, so it exists exactly when that record committed and is published at least
// once (consumers drop repeats by message id). They are not the bus replies PromptChecked/ActionChecked,
// which answer one requester. Times are UTC.

/// <summary>
/// A check was denied: decision <paramref name="DecisionId"/> (the id in the account's audit log,
/// <c>GET /v1/decisions</c>) on a <paramref name="Kind"/> (one of <see cref="GuardDeniedKinds"/>) of account
/// <paramref name="AccountId"/>, by the rules <paramref name="RuleIds"/> (policy rule ids such as
/// <c>injection.block</c>, followed by the injection rule ids that made it fire, or action rule ids such as
/// <c>action.tool.unknown</c>; <c>input.empty</c> / <c>input.too_long</c> for input that could not be checked).
/// Never carries the checked text or arguments.
/// </summary>
public sealed record GuardDenied(Guid DecisionId, Guid AccountId, string Kind, IReadOnlyList<string> RuleIds, DateTimeOffset DeniedAt);

/// <summary>What a <see cref="GuardDenied"/> decision was about.</summary>
public static class GuardDeniedKinds
{
    /// <summary>A prompt (<c>POST /v1/check/prompt</c>, bus <c>CheckPrompt</c>).</summary>
    public const string Prompt = "prompt";

    /// <summary>An agent's tool call (<c>POST /v1/check/action</c>, bus <c>CheckAction</c>).</summary>
    public const string Action = "action";
}
