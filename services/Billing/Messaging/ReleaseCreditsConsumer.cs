using MassTransit;
using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>ReleaseCredits -> CreditsReleased | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class ReleaseCreditsConsumer(LedgerBatcher ledger) : IConsumer<ReleaseCredits>
{
    public async Task Consume(ConsumeContext<ReleaseCredits> context)
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

        if (errors.Count > 0)
        {
            await context.RespondAsync(LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors));
            return;
        }

        var command = new ReleaseCommand(message.AccountId, message.TransferId, message.ReservationId);
        var result = await ledger.SubmitAsync(command, context.CancellationToken);
        if (result is { Succeeded: true, Transfer: { } transfer })
        {
            await context.RespondAsync(new CreditsReleased(transfer.Id, message.AccountId, message.ReservationId, transfer.Amount, result.Replayed));
        }
        else
        {
            await context.RespondAsync(LedgerReplies.Rejected(command, result));
        }
    }
}
