namespace Platform.Contracts.Billing;

// Billing's ledger commands. Amounts are integer micro-credits (1 credit = 1,000,000 micro-credits).
// Every command carries a client-chosen TransferId (1-128 characters of [A-Za-z0-9._:-], unique per
// account): sending the same command again answers the first result with Replayed = true; the same
// id with a different body answers LedgerRejected with Reason "idempotency-conflict". Failed
// commands (e.g. insufficient credits) are not stored, so a retry is evaluated again.

/// <summary>Holds <paramref name="Amount"/> of the account's credits until captured, released or expired.
/// Answered with <see cref="CreditsReserved"/>, <see cref="InsufficientCredits"/> or <see cref="LedgerRejected"/>.</summary>
public sealed record ReserveCredits(string TransferId, Guid AccountId, long Amount, int TimeoutSeconds);

/// <summary>A reservation (pending transfer) was made; it expires at <paramref name="ExpiresAt"/> unless resolved first.</summary>
public sealed record CreditsReserved(
    string TransferId, Guid AccountId, long Amount, DateTimeOffset ExpiresAt, long AvailableAfter, bool Replayed);

/// <summary>The account cannot fund the reservation or charge; nothing was held or stored.</summary>
public sealed record InsufficientCredits(string TransferId, Guid AccountId, long Requested, long Available);

/// <summary>Posts all (<paramref name="Amount"/> null) or part of reservation <paramref name="ReservationId"/>;
/// the rest returns to the account. Answered with <see cref="CreditsCaptured"/> or <see cref="LedgerRejected"/>.</summary>
public sealed record CaptureCredits(string TransferId, Guid AccountId, string ReservationId, long? Amount);

public sealed record CreditsCaptured(
    string TransferId, Guid AccountId, string ReservationId, long Captured, long Returned, bool Replayed);

/// <summary>Voids reservation <paramref name="ReservationId"/>: all of it returns to the account.
/// Answered with <see cref="CreditsReleased"/> or <see cref="LedgerRejected"/>.</summary>
public sealed record ReleaseCredits(string TransferId, Guid AccountId, string ReservationId);

public sealed record CreditsReleased(string TransferId, Guid AccountId, string ReservationId, long Returned, bool Replayed);

/// <summary>
/// A ledger command that was refused. <paramref name="Reason"/> is one of the stable values in
/// <see cref="LedgerRejectionReasons"/>; <paramref name="Detail"/> is for people.
/// </summary>
public sealed record LedgerRejected(string TransferId, Guid AccountId, string Reason, string Detail);

public static class LedgerRejectionReasons
{
    public const string Invalid = "invalid";
    public const string AccountNotFound = "account-not-found";
    public const string ReservationNotFound = "reservation-not-found";
    public const string ReservationAlreadyResolved = "reservation-already-resolved";
    public const string ReservationExpired = "reservation-expired";
    public const string AmountExceedsReservation = "amount-exceeds-reservation";
    public const string IdempotencyConflict = "idempotency-conflict";
    public const string InsufficientCredits = "insufficient-credits";
    public const string UnknownPrice = "unknown-price";
    public const string Unavailable = "unavailable";
}
