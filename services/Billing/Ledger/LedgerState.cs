using Platform.Billing.Alerts;
using Platform.Billing.Usage;

namespace Platform.Billing.Ledger;

/// <summary>
/// What a batch needs from the store, loaded (and locked) before the state machine runs: the
/// touched ledger accounts, every transfer and usage record whose id the batch uses, the
/// reservations it refers to, and which of those are still open.
/// </summary>
public sealed class LedgerState
{
    public Dictionary<string, LedgerBalance> Accounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<TransferKey, Transfer> Transfers { get; } = [];

    public Dictionary<TransferKey, UsageRecord> Usage { get; } = [];

    public HashSet<TransferKey> OpenReservations { get; } = [];

    /// <summary>Low-balance alerts of the touched customer accounts, by ledger account id.</summary>
    public Dictionary<string, LowBalanceAlert> LowBalanceAlerts { get; } = new(StringComparer.Ordinal);
}

/// <summary>A transfer's identity: client ids are unique per customer account.</summary>
public readonly record struct TransferKey(Guid AccountId, string Id);
