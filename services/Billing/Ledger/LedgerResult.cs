using Platform.Billing.Usage;

namespace Platform.Billing.Ledger;

/// <summary>
/// The answer to one command. <see cref="Replayed"/> marks the first result returned again for a
/// repeated command. <see cref="Available"/> is the customer's available balance after the batch
/// step that answered (for a replay: now, not back then).
/// </summary>
public sealed record LedgerResult(
    LedgerOutcome Outcome,
    bool Replayed,
    Transfer? Transfer,
    long Available,
    long Returned,
    UsageRecord? Usage,
    string Detail)
{
    public bool Succeeded => Outcome == LedgerOutcome.Applied;

    /// <summary>For a reservation refused for credits: what was asked.</summary>
    public long Requested { get; init; }

    public static LedgerResult Fail(LedgerOutcome outcome, string detail, long available = 0) =>
        new(outcome, false, null, available, 0, null, detail);
}
