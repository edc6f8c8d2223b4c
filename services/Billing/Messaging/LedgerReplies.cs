using Platform.Billing.Ledger;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>The bus answers for refused ledger commands (stable reasons, see <see cref="LedgerRejectionReasons"/>).</summary>
public static class LedgerReplies
{
    public static LedgerRejected Rejected(LedgerCommand command, LedgerResult result) =>
        new(command.TransferId, command.AccountId, Reason(result.Outcome), result.Detail);

    public static LedgerRejected Invalid(string transferId, Guid accountId, IEnumerable<string> errors) =>
        new(transferId, accountId, LedgerRejectionReasons.Invalid, string.Join("; ", errors));

    public static string Reason(LedgerOutcome outcome) => outcome switch
    {
        LedgerOutcome.AccountNotFound => LedgerRejectionReasons.AccountNotFound,
        LedgerOutcome.ReservationNotFound => LedgerRejectionReasons.ReservationNotFound,
        LedgerOutcome.ReservationAlreadyResolved => LedgerRejectionReasons.ReservationAlreadyResolved,
        LedgerOutcome.ReservationExpired => LedgerRejectionReasons.ReservationExpired,
        LedgerOutcome.AmountExceedsReservation => LedgerRejectionReasons.AmountExceedsReservation,
        LedgerOutcome.IdempotencyConflict => LedgerRejectionReasons.IdempotencyConflict,
        LedgerOutcome.InsufficientCredits => LedgerRejectionReasons.InsufficientCredits,
        _ => LedgerRejectionReasons.Invalid,
    };
}
