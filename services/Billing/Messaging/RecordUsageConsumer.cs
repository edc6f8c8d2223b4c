using MassTransit;
using Platform.Billing.Ledger;
using Platform.Billing.Usage;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>RecordUsage -> UsageRecorded | InsufficientCredits | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class RecordUsageConsumer(UsageRecorder recorder) : IConsumer<RecordUsage>
{
    public async Task Consume(ConsumeContext<RecordUsage> context)
    {
        var message = context.Message;
        var usage = new UsageQuantities(
            message.Kind ?? "", message.Model, message.RunId, message.InputTokens, message.OutputTokens, message.EmbeddingTokens,
            message.RenderMilliseconds, message.ToolCalls, message.ReservationId);
        var errors = UsageRecorder.Validate(message.TransferId, usage);
        if (errors.Count > 0)
        {
            await context.RespondAsync(LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors.Select(e => $"{e.Key} {e.Value}")));
            return;
        }

        var outcome = await recorder.RecordAsync(message.AccountId, message.TransferId, usage, context.CancellationToken);
        if (outcome.Result is not { } result)
        {
            await context.RespondAsync(new LedgerRejected(message.TransferId, message.AccountId, LedgerRejectionReasons.UnknownPrice, outcome.PriceError!));
        }
        else if (result is { Succeeded: true, Usage: { } record })
        {
            await context.RespondAsync(new UsageRecorded(message.TransferId, message.AccountId, record.Charge, record.TransferId is not null, result.Replayed));
        }
        else if (result.Outcome == LedgerOutcome.InsufficientCredits)
        {
            await context.RespondAsync(new InsufficientCredits(message.TransferId, message.AccountId, result.Requested, result.Available));
        }
        else
        {
            await context.RespondAsync(new LedgerRejected(message.TransferId, message.AccountId, LedgerReplies.Reason(result.Outcome), result.Detail));
        }
    }
}
