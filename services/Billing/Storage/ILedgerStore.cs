using Platform.Billing.Ledger;

namespace Platform.Billing.Storage;

/// <summary>
/// The ledger's storage: PostgreSQL (row locks) or SQLite (one writer at a time), same rules.
/// <see cref="ApplyAsync"/> loads and locks what a batch touches, runs the <see cref="LedgerStateMachine"/>
/// and writes its changes in ONE transaction: all of a batch is stored, or none of it.
/// </summary>
public interface ILedgerStore
{
    Task<IReadOnlyList<LedgerResult>> ApplyAsync(IReadOnlyList<LedgerCommand> commands, CancellationToken cancellationToken);

    /// <summary>The customer's ledger account, or null when there is no such account.</summary>
    Task<LedgerBalance?> FindBalanceAsync(Guid accountId, CancellationToken cancellationToken);

    Task<Transfer?> FindTransferAsync(Guid accountId, string transferId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Transfer>> ListTransfersAsync(TransferQuery query, CancellationToken cancellationToken);

    /// <summary>Open reservations whose expiry is at or before <paramref name="nowMs"/>, oldest first.</summary>
    Task<IReadOnlyList<TransferKey>> FindDueReservationsAsync(long nowMs, int limit, CancellationToken cancellationToken);

    /// <summary>The posted-balance effect of the account's transfers, by kind, in [fromMs, toMs).</summary>
    Task<IReadOnlyDictionary<TransferKind, long>> SumPostedAsync(Guid accountId, long fromMs, long toMs, CancellationToken cancellationToken);

    Task<LedgerCheck> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>A page of one account's transfers, oldest first, after the (time, id) cursor.</summary>
public sealed record TransferQuery(
    Guid AccountId, TransferKind? Kind, string? ReservationId, long FromMs, long ToMs, int Limit, long? AfterMs, string? AfterId);

/// <summary>The ledger's invariants, computed from the stored balances.</summary>
/// <param name="NegativeCustomers">Customer accounts whose debits exceed their credits (must be 0).</param>
/// <param name="OpenReservationsTotal">Sum of open reservations; must equal the customers' pending debits.</param>
public sealed record LedgerCheck(
    decimal DebitsPending,
    decimal CreditsPending,
    decimal DebitsPosted,
    decimal CreditsPosted,
    long NegativeCustomers,
    decimal CustomerDebitsPending,
    decimal OpenReservationsTotal,
    long Accounts)
{
    public bool PendingBalanced => DebitsPending == CreditsPending;

    public bool PostedBalanced => DebitsPosted == CreditsPosted;

    public bool ReservationsMatch => CustomerDebitsPending == OpenReservationsTotal;

    public bool Ok => PendingBalanced && PostedBalanced && NegativeCustomers == 0 && ReservationsMatch;
}
