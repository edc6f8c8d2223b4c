using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>
/// Validates a bus command, runs it through the ledger and builds its answer; shared by the single
/// and the batch consumers, so an item of a batch behaves exactly as the command alone.
/// </summary>
public sealed class LedgerMessageHandler(LedgerBatcher ledger)
{
    public async Task<ReserveCreditsOutcome> ReserveAsync(ReserveCredits message, CancellationToken cancellationToken)
    {
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
            return new ReserveCreditsOutcome(message.TransferId ?? "", null, null, LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors));
        }

        var command = new ReserveCommand(message.AccountId, message.TransferId, message.Amount, message.TimeoutSeconds);
        var result = await ledger.SubmitAsync(command, cancellationToken);
        if (result is { Succeeded: true, Transfer: { } transfer })
        {
            return new ReserveCreditsOutcome(
                message.TransferId,
                new CreditsReserved(
                    transfer.Id, message.AccountId, transfer.Amount,
                    DateTimeOffset.FromUnixTimeMilliseconds(transfer.ExpiresAtMs!.Value), result.Available, result.Replayed),
                null,
                null);
        }

        return result.Outcome == LedgerOutcome.InsufficientCredits
            ? new ReserveCreditsOutcome(message.TransferId, null, new InsufficientCredits(message.TransferId, message.AccountId, message.Amount, result.Available), null)
            : new ReserveCreditsOutcome(message.TransferId, null, null, LedgerReplies.Rejected(command, result));
    }

    public async Task<CaptureCreditsOutcome> CaptureAsync(CaptureCredits message, CancellationToken cancellationToken)
    {
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
            return new CaptureCreditsOutcome(message.TransferId ?? "", null, LedgerReplies.Invalid(message.TransferId ?? "", message.AccountId, errors));
        }

        var command = new CaptureCommand(message.AccountId, message.TransferId, message.ReservationId, message.Amount);
        var result = await ledger.SubmitAsync(command, cancellationToken);
        return result is { Succeeded: true, Transfer: { } transfer }
            ? new CaptureCreditsOutcome(
                message.TransferId,
                new CreditsCaptured(transfer.Id, message.AccountId, message.ReservationId, transfer.Amount, result.Returned, result.Replayed),
                null)
            : new CaptureCreditsOutcome(message.TransferId, null, LedgerReplies.Rejected(command, result));
    }
}
