using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>
/// ReserveCreditsBatch -> ReserveCreditsBatchResult. All items go to the ledger at once, so they
/// share its next group commit; each gets its own outcome, in order.
/// </summary>
public sealed class ReserveCreditsBatchConsumer(LedgerMessageHandler handler) : IConsumer<ReserveCreditsBatch>
{
    public async Task Consume(ConsumeContext<ReserveCreditsBatch> context)
    {
        var items = context.Message.Items ?? [];
        if (items.Count > LedgerBatches.MaxItems)
        {
            await context.RespondAsync(new ReserveCreditsBatchResult([.. items.Select(i => new ReserveCreditsOutcome(
                i.TransferId, null, null, LedgerReplies.Invalid(i.TransferId, i.AccountId, [$"a batch holds at most {LedgerBatches.MaxItems} items"])))]));
            return;
        }

        var outcomes = await Task.WhenAll(items.Select(item => handler.ReserveAsync(item, context.CancellationToken)));
        await context.RespondAsync(new ReserveCreditsBatchResult(outcomes));
    }
}
