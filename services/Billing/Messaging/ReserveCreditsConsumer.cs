using MassTransit;
using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>ReserveCredits -> CreditsReserved | InsufficientCredits | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class ReserveCreditsConsumer(LedgerBatcher ledger) : IConsumer<ReserveCredits>
{
    public async Task Consume(ConsumeContext<ReserveCredits> context)
    {
        var message = context.Message;
        var errors = new List<string>();
        if (!LedgerLimits.IsValidTransferId(message.TransferId))
        {
            errors.Add("transferId " + LedgerLimits.TransferIdRule);
        }

        if (!LedgerLimits.IsValidAmount(message.Amount))
        {
            errors.Add("amount " + LedgerLimits.AmountRule);
        }

        if (message.TimeoutSeconds is < 1 or > LedgerLimits.MaxTimeoutSeconds)
        {
            errors.Add($"timeoutSeconds must be from 1 to {LedgerLimits.MaxTimeoutSeconds}");
        }

        if (errors.Count > 0)
        {
            await context.RespondAsync(LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors));
            return;
        }

        var command = new ReserveCommand(message.AccountId, message.TransferId, message.Amount, message.TimeoutSeconds);
        var result = await ledger.SubmitAsync(command, context.CancellationToken);
        if (result is { Succeeded: true, Transfer: { } transfer })
        {
            await context.RespondAsync(new CreditsReserved(
                transfer.Id, message.AccountId, transfer.Amount,
                DateTimeOffset.FromUnixTimeMilliseconds(transfer.ExpiresAtMs!.Value), result.Available, result.Replayed));
        }
        else if (result.Outcome == LedgerOutcome.InsufficientCredits)
        {
            await context.RespondAsync(new InsufficientCredits(message.TransferId, message.AccountId, message.Amount, result.Available));
        }
        else
        {
            await context.RespondAsync(LedgerReplies.Rejected(command, result));
        }
    }
}
