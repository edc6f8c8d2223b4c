using MassTransit;
using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>CaptureCredits -> CreditsCaptured | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class CaptureCreditsConsumer(LedgerBatcher ledger) : IConsumer<CaptureCredits>
{
    public async Task Consume(ConsumeContext<CaptureCredits> context)
    {
        var message = context.Message;
        var errors = new List<string>();
        if (!LedgerLimits.IsValidTransferId(message.TransferId))
        {
            errors.Add("transferId " + LedgerLimits.TransferIdRule);
        }

        if (!LedgerLimits.IsValidTransferId(message.ReservationId))
        {
            errors.Add("reservationId " + LedgerLimits.TransferIdRule);
        }

        if (message.Amount is { } amount && !LedgerLimits.IsValidAmount(amount))
        {
            errors.Add("amount " + LedgerLimits.AmountRule);
        }

        if (errors.Count > 0)
        {
            await context.RespondAsync(LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors));
            return;
        }

        var command = new CaptureCommand(message.AccountId, message.TransferId, message.ReservationId, message.Amount);
        var result = await ledger.SubmitAsync(command, context.CancellationToken);
        if (result is { Succeeded: true, Transfer: { } transfer })
        {
            await context.RespondAsync(new CreditsCaptured(
                transfer.Id, message.AccountId, message.ReservationId, transfer.Amount, result.Returned, result.Replayed));
        }
        else
        {
            await context.RespondAsync(LedgerReplies.Rejected(command, result));
        }
    }
}
