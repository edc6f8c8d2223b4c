using Platform.Billing.Ledger;
using Platform.Billing.Storage;

namespace Platform.Billing.Usage;

/// <summary>Builds <see cref="Statement"/>s from the transfers (not from running counters, so drift would show).</summary>
public sealed class StatementBuilder(ILedgerStore store, TimeProvider clock)
{
    public async Task<Statement?> BuildAsync(Guid accountId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var balance = await store.FindBalanceAsync(accountId, cancellationToken);
        if (balance is null)
        {
            return null;
        }

        var fromMs = from.ToUnixTimeMilliseconds();
        var toMs = to.ToUnixTimeMilliseconds();
        var before = await store.SumPostedAsync(accountId, 0, fromMs, cancellationToken);
        var during = await store.SumPostedAsync(accountId, fromMs, toMs, cancellationToken);
        var untilTo = await store.SumPostedAsync(accountId, 0, toMs, cancellationToken);

        var opening = Effect(before);
        var deposits = during.GetValueOrDefault(TransferKind.Deposit);
        var captures = during.GetValueOrDefault(TransferKind.Capture);
        var charges = during.GetValueOrDefault(TransferKind.Charge);
        var closing = Effect(untilTo);
        // When the period reaches now, the stored balance is shown next to the closing figure. It is not
        // part of Reconciles: a transfer committed between the two reads would make them differ honestly.
        long? ledgerNow = toMs > clock.GetUtcNow().ToUnixTimeMilliseconds() ? balance.Posted : null;
        var reconciles = opening + deposits - captures - charges == closing;
        return new Statement(
            accountId, from, to, opening, deposits, captures, charges, closing, reconciles,
            $"{opening} + {deposits} - {captures} - {charges} = {opening + deposits - captures - charges} (closing {closing})",
            ledgerNow,
            balance.DebitsPending);
    }

    private static long Effect(IReadOnlyDictionary<TransferKind, long> sums) =>
        sums.GetValueOrDefault(TransferKind.Deposit) - sums.GetValueOrDefault(TransferKind.Capture) - sums.GetValueOrDefault(TransferKind.Charge);
}
