namespace Platform.Billing.Ledger;

/// <summary>
/// One immutable ledger movement. Ids are chosen by the client and unique per customer account
/// (<see cref="AccountId"/>), so one customer's ids never collide with, or reveal, another's.
/// For resolutions (capture, release, expire) <see cref="Amount"/> is what the resolution moved out
/// of pending: the captured amount for a capture, the returned amount for a release or expiry.
/// </summary>
/// <param name="Request">The canonical body of the command that made it, compared on replays.</param>
public sealed record Transfer(
    Guid AccountId,
    string Id,
    TransferKind Kind,
    string DebitAccount,
    string CreditAccount,
    long Amount,
    string? PendingId,
    long? ExpiresAtMs,
    string Request,
    long CreatedAtMs);
