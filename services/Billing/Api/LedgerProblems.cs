using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Ledger;
using Platform.ServiceDefaults.Errors;

namespace Platform.Billing.Api;

/// <summary>How a refused ledger command answers over HTTP (stable problem types; 402 for credits).</summary>
public static class LedgerProblems
{
    public static ProblemHttpResult For(LedgerResult result, string transferId, string? reservationId = null) => result.Outcome switch
    {
        LedgerOutcome.AccountNotFound => Problems.NotFound("account", "(this account)"),
        LedgerOutcome.ReservationNotFound => Problems.NotFound("reservation", reservationId ?? transferId),
        LedgerOutcome.ReservationAlreadyResolved => Problems.Conflict(
            ProblemTypes.Conflict, "The reservation is already resolved.", result.Detail),
        LedgerOutcome.ReservationExpired => Problems.Conflict(ProblemTypes.Conflict, "The reservation expired.", result.Detail),
        LedgerOutcome.IdempotencyConflict => Problems.Conflict(
            ProblemTypes.IdempotencyConflict, "The transfer id was already used for a different request.", result.Detail),
        LedgerOutcome.InsufficientCredits => Problems.Status(
            StatusCodes.Status402PaymentRequired,
            ProblemTypes.InsufficientCredits,
            "Not enough credits.",
            result.Detail,
            new Dictionary<string, object?> { ["requested"] = result.Requested, ["available"] = result.Available }),
        LedgerOutcome.AmountExceedsReservation or LedgerOutcome.Overflow => Problems.Status(
            StatusCodes.Status400BadRequest,
            ProblemTypes.Validation,
            "The request is not valid.",
            result.Detail,
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["amount"] = [result.Detail] } }),
        _ => throw new InvalidOperationException($"Outcome {result.Outcome} is not a refusal."),
    };
}
