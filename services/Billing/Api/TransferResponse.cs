using Platform.Billing.Ledger;

namespace Platform.Billing.Api;

/// <summary>
/// A transfer as the API shows it. Amounts are integer micro-credits. <see cref="Replayed"/> is true
/// when this is the first result of an earlier identical request; <see cref="Available"/> and
/// <see cref="Returned"/> are set on answers to commands (null in listings).
/// </summary>
public sealed record TransferResponse(
    string Id,
    string Kind,
    long Amount,
    string? ReservationId,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    bool? Replayed = null,
    long? Available = null,
    long? Returned = null)
{
    public static TransferResponse From(Transfer transfer) => new(
        transfer.Id,
        transfer.Kind.ToText(),
        transfer.Amount,
        transfer.PendingId,
        transfer.ExpiresAtMs is { } expires ? DateTimeOffset.FromUnixTimeMilliseconds(expires) : null,
        DateTimeOffset.FromUnixTimeMilliseconds(transfer.CreatedAtMs));

    public static TransferResponse From(LedgerResult result) =>
        From(result.Transfer!) with { Replayed = result.Replayed, Available = result.Available, Returned = result.Returned };
}

/// <summary>A customer's balances in micro-credits: <see cref="Available"/> = credits posted - debits posted - debits pending.</summary>
public sealed record BalanceResponse(
    Guid AccountId, long Available, long Posted, long CreditsPosted, long DebitsPosted, long DebitsPending)
{
    public static BalanceResponse From(Guid accountId, LedgerBalance balance) => new(
        accountId, balance.Available, balance.Posted, balance.CreditsPosted, balance.DebitsPosted, balance.DebitsPending);
}
