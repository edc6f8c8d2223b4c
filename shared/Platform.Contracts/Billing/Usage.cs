namespace Platform.Contracts.Billing;

/// <summary>
/// Meters usage. Billing prices it with its price table (exact integer arithmetic, rounded up to the
/// micro-credit) and, unless <paramref name="ReservationId"/> is set, charges it at once (a posted
/// transfer). With a reservation the usage is recorded and priced but settled by capturing that
/// reservation, so it is not paid twice. Idempotent by <paramref name="TransferId"/>.
/// Answered with <see cref="UsageRecorded"/>, <see cref="InsufficientCredits"/> or <see cref="LedgerRejected"/>.
/// </summary>
/// <param name="Kind">What was used, e.g. <c>generation</c>, <c>embedding</c>, <c>cad-render</c>, <c>tool-call</c> (1-64 characters).</param>
/// <param name="Model">The model whose token prices apply; required when any token count is above zero.</param>
public sealed record RecordUsage(
    string TransferId,
    Guid AccountId,
    string Kind,
    string? Model,
    string? RunId,
    long InputTokens,
    long OutputTokens,
    long EmbeddingTokens,
    long RenderMilliseconds,
    long ToolCalls,
    string? ReservationId = null);

/// <summary>The usage is recorded; <paramref name="Charge"/> micro-credits were charged (or are covered by the reservation).</summary>
public sealed record UsageRecorded(string TransferId, Guid AccountId, long Charge, bool Charged, bool Replayed);
