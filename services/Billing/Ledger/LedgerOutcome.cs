namespace Platform.Billing.Ledger;

public enum LedgerOutcome
{
    Applied,
    AccountNotFound,
    ReservationNotFound,
    ReservationAlreadyResolved,
    ReservationExpired,
    AmountExceedsReservation,
    IdempotencyConflict,
    InsufficientCredits,

    /// <summary>The amount would push a balance past 64 bits.</summary>
    Overflow,
}
