namespace Platform.Contracts.Billing;

// Many ledger commands in one message, for callers that issue them at a high rate: one bus round
// trip then carries up to MaxItems commands, which is what lets the bus keep up with the ledger's
// group commit (one message per command costs more CPU in the broker and MassTransit than the
// ledger spends on the command). Each item behaves exactly as the single command would: its own
// transfer id, idempotency and outcome; items never fail each other.

public static class LedgerBatches
{
    /// <summary>Most items per batch message; larger batches are refused whole (LedgerRejected "invalid" per item).</summary>
    public const int MaxItems = 1000;
}

/// <summary>Answered with <see cref="ReserveCreditsBatchResult"/>, items in the same order.</summary>
public sealed record ReserveCreditsBatch(IReadOnlyList<ReserveCredits> Items);

/// <summary>Exactly one of the three answers is set per item.</summary>
public sealed record ReserveCreditsOutcome(string TransferId, CreditsReserved? Reserved, InsufficientCredits? Insufficient, LedgerRejected? Rejected);

public sealed record ReserveCreditsBatchResult(IReadOnlyList<ReserveCreditsOutcome> Items);

/// <summary>Answered with <see cref="CaptureCreditsBatchResult"/>, items in the same order.</summary>
public sealed record CaptureCreditsBatch(IReadOnlyList<CaptureCredits> Items);

/// <summary>Exactly one of the two answers is set per item.</summary>
public sealed record CaptureCreditsOutcome(string TransferId, CreditsCaptured? Captured, LedgerRejected? Rejected);

public sealed record CaptureCreditsBatchResult(IReadOnlyList<CaptureCreditsOutcome> Items);
