using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>CaptureCreditsBatch -> CaptureCreditsBatchResult, as <see cref="ReserveCreditsBatchConsumer"/>.</summary>
public sealed class CaptureCreditsBatchConsumer(LedgerMessageHandler handler) : IConsumer<CaptureCreditsBatch>
{
    public async Task Consume(ConsumeContext<CaptureCreditsBatch> context)
    {
        var items = context.Message.Items ?? [];
        if (items.Count > LedgerBatches.MaxItems)
        {
            await context.RespondAsync(new CaptureCreditsBatchResult([.. items.Select(i => new CaptureCreditsOutcome(
                i.TransferId, null, LedgerReplies.Invalid(i.TransferId, i.AccountId, [$"a batch holds at most {LedgerBatches.MaxItems} items"])))]));
            return;
        }

        var outcomes = await Task.WhenAll(items.Select(item => handler.CaptureAsync(item, context.CancellationToken)));
        await context.RespondAsync(new CaptureCreditsBatchResult(outcomes));
    }
}
