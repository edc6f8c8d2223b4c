using Platform.Billing.Usage;

namespace Platform.Billing.Ledger;

/// <summary>What one batch writes, in one transaction.</summary>
public sealed class LedgerChanges
{
    public List<Transfer> Transfers { get; } = [];

    public Dictionary<string, LedgerBalance> Accounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<TransferKey, Transfer> OpenedReservations { get; } = [];

    public HashSet<TransferKey> ClosedReservations { get; } = [];

    public List<UsageRecord> Usage { get; } = [];

    public bool IsEmpty => Transfers.Count == 0 && Usage.Count == 0;
}
