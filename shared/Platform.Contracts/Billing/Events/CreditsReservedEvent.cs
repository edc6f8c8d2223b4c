namespace Platform.Contracts.Billing.Events;

// Billing's integration events: what the ledger did, for business systems (CloudEvents and webhooks,
// see shared/Platform.Events). They are written through Billing's transactional outbox in the same
// transaction as the ledger change, once per change: a replayed command (same transfer id and body)
// changes nothing and publishes nothing. They are not the bus replies of the same names
// (Platform.Contracts.Billing.CreditsReserved, ...), which answer one requester and repeat on replays.
// Amounts are integer micro-credits.

/// <summary>
/// <paramref name="Amount"/> micro-credits of the account are held by reservation
/// <paramref name="ReservationId"/> (a client-chosen id, unique per account) until it is captured,
/// released, or expires at <paramref name="ExpiresAt"/>.
/// </summary>
public sealed record CreditsReservedEvent(
    Guid AccountId, string ReservationId, long Amount, DateTimeOffset ExpiresAt, DateTimeOffset ReservedAt);
