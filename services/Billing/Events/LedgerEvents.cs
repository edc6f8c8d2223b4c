using Platform.Billing.Alerts;
using Platform.Billing.Ledger;
using Platform.Contracts.Billing.Events;

namespace Platform.Billing.Events;

/// <summary>
/// The integration events of one ledger batch, derived from what the batch writes: one per new
/// reserve, capture, release or expiry transfer (in order), then the low-balance alerts the batch fires.
/// A replayed command writes nothing, so it publishes nothing. Pure: the store writes the events
/// through its outbox and the alert changes in the batch's own transaction.
/// </summary>
public static class LedgerEvents
{
    public static LedgerEventBatch Collect(LedgerState state, LedgerChanges changes, long nowMs)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
        var batch = new LedgerEventBatch();
        foreach (var transfer in changes.Transfers)
        {
            switch (transfer.Kind)
            {
                case TransferKind.Reserve:
                    batch.Events.Add(new CreditsReservedEvent(
                        transfer.AccountId, transfer.Id, transfer.Amount,
                        DateTimeOffset.FromUnixTimeMilliseconds(transfer.ExpiresAtMs ?? nowMs), now));
                    break;
                case TransferKind.Capture:
                    var held = state.Transfers.TryGetValue(new TransferKey(transfer.AccountId, transfer.PendingId!), out var pending)
                        ? pending.Amount
                        : transfer.Amount;
                    batch.Events.Add(new CreditsCapturedEvent(
                        transfer.AccountId, transfer.PendingId!, transfer.Id, transfer.Amount, held - transfer.Amount, now));
                    break;
                case TransferKind.Release or TransferKind.Expire:
                    batch.Events.Add(new CreditsReleasedEvent(
                        transfer.AccountId, transfer.PendingId!, transfer.Id, transfer.Amount,
                        transfer.Kind == TransferKind.Expire ? CreditsReleaseReasons.Expired : CreditsReleaseReasons.Released, now));
                    break;
            }
        }

        foreach (var balance in changes.Accounts.Values)
        {
            if (!balance.DebitsMustNotExceedCredits || !state.LowBalanceAlerts.TryGetValue(balance.Id, out var alert))
            {
                continue;
            }

            if (alert.Armed && balance.Available < alert.Threshold)
            {
                batch.Events.Add(new BalanceLowEvent(Guid.Parse(balance.Id), balance.Available, alert.Threshold, now));
                batch.AlertChanges[balance.Id] = false;
            }
            else if (!alert.Armed && balance.Available >= alert.RearmLevel)
            {
                batch.AlertChanges[balance.Id] = true;
            }
        }

        return batch;
    }
}

/// <summary>What <see cref="LedgerEvents.Collect"/> found: events in order, and alerts to arm (true) or disarm (false) by account.</summary>
public sealed class LedgerEventBatch
{
    public List<object> Events { get; } = [];

    public Dictionary<string, bool> AlertChanges { get; } = new(StringComparer.Ordinal);
}
