using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Accounts;
using Platform.Billing.Ledger;
using Platform.Billing.Storage;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Api;

/// <summary>
/// The ledger over HTTP: deposits (admin), balances, reservations (reserve, capture, release) and
/// transfers. Every command carries a client-chosen transfer id: repeating it with the same body
/// answers the first result (200, <c>replayed: true</c>); with another body 409 idempotency-conflict.
/// </summary>
public static class LedgerApi
{
    public sealed record DepositRequest(string? TransferId, long? Amount);

    public sealed record ReserveRequest(string? TransferId, long? Amount, int? TimeoutSeconds);

    public sealed record CaptureRequest(string? TransferId, long? Amount);

    public sealed record ReleaseRequest(string? TransferId);

    public sealed record TransferList(IReadOnlyList<TransferResponse> Items, string? Next);

    public static void MapLedgerApi(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/v1/accounts").WithTags("Ledger");
        accounts.MapPost("/{accountId}/deposits", Deposit).RequireAuthorization(PlatformPolicies.Admin);
        accounts.MapGet("/{accountId}/balance", GetBalance).RequireAuthorization(PlatformPolicies.AccountOrAdmin);

        var reservations = api.MapGroup("/v1/reservations").WithTags("Ledger").RequireAuthorization(PlatformPolicies.Account);
        reservations.MapPost("/", Reserve);
        reservations.MapPost("/{reservationId}/capture", Capture);
        reservations.MapPost("/{reservationId}/release", Release);

        api.MapGet("/v1/transfers", ListTransfers).WithTags("Ledger").RequireAuthorization(PlatformPolicies.Account);
        api.MapGet("/v1/transfers/{transferId}", GetTransfer).WithTags("Ledger").RequireAuthorization(PlatformPolicies.Account);
        api.MapGet("/v1/ledger/check", Check).WithTags("Ledger").RequireAuthorization(PlatformPolicies.Admin);
    }

    private static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Deposit(
        string accountId, DepositRequest request, LedgerBatcher ledger, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        validator.Require(LedgerLimits.IsValidTransferId(request.TransferId), "transferId", LedgerLimits.TransferIdRule);
        validator.Require(request.Amount is { } amount && LedgerLimits.IsValidAmount(amount), "amount", LedgerLimits.AmountRule);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        if (!Guid.TryParse(accountId, out var id))
        {
            return Problems.NotFound("account", accountId);
        }

        var result = await ledger.SubmitAsync(new DepositCommand(id, request.TransferId!, request.Amount!.Value), cancellationToken);
        return Answer(result, request.TransferId!, created: $"/v1/transfers/{request.TransferId}", notFound: accountId);
    }

    private static async Task<Results<Ok<BalanceResponse>, ProblemHttpResult>> GetBalance(
        string accountId, ClaimsPrincipal user, ILedgerStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(accountId, out var id) || !user.MayActOn(id))
        {
            return Problems.NotFound("account", accountId);
        }

        var balance = await store.FindBalanceAsync(id, cancellationToken);
        return balance is null ? Problems.NotFound("account", accountId) : TypedResults.Ok(BalanceResponse.From(id, balance));
    }

    private static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Reserve(
        ReserveRequest request, ClaimsPrincipal user, LedgerBatcher ledger, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        validator.Require(LedgerLimits.IsValidTransferId(request.TransferId), "transferId", LedgerLimits.TransferIdRule);
        validator.Require(request.Amount is { } amount && LedgerLimits.IsValidAmount(amount), "amount", LedgerLimits.AmountRule);
        validator.Require(
            request.TimeoutSeconds is null or (>= 1 and <= LedgerLimits.MaxTimeoutSeconds),
            "timeoutSeconds",
            $"must be from 1 to {LedgerLimits.MaxTimeoutSeconds} seconds");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var result = await ledger.SubmitAsync(
            new ReserveCommand(user.GetAccountId(), request.TransferId!, request.Amount!.Value, request.TimeoutSeconds ?? LedgerLimits.DefaultTimeoutSeconds),
            cancellationToken);
        return Answer(result, request.TransferId!, created: $"/v1/reservations/{request.TransferId}");
    }

    private static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Capture(
        string reservationId, CaptureRequest request, ClaimsPrincipal user, LedgerBatcher ledger, CancellationToken cancellationToken)
    {
        var transferId = request.TransferId ?? reservationId + "#capture";
        var validator = ValidateResolution(reservationId, request.TransferId);
        validator.Require(request.Amount is null || LedgerLimits.IsValidAmount(request.Amount.Value), "amount", LedgerLimits.AmountRule);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var result = await ledger.SubmitAsync(
            new CaptureCommand(user.GetAccountId(), transferId, reservationId, request.Amount), cancellationToken);
        return Answer(result, transferId, created: null, reservationId: reservationId);
    }

    private static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, ValidationProblem, ProblemHttpResult>> Release(
        string reservationId, ReleaseRequest? request, ClaimsPrincipal user, LedgerBatcher ledger, CancellationToken cancellationToken)
    {
        var transferId = request?.TransferId ?? reservationId + "#release";
        var validator = ValidateResolution(reservationId, request?.TransferId);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var result = await ledger.SubmitAsync(new ReleaseCommand(user.GetAccountId(), transferId, reservationId), cancellationToken);
        return Answer(result, transferId, created: null, reservationId: reservationId);
    }

    private static async Task<Results<Ok<TransferList>, ValidationProblem>> ListTransfers(
        ClaimsPrincipal user,
        ILedgerStore store,
        CancellationToken cancellationToken,
        string? kind = null,
        string? reservationId = null,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        int limit = 100,
        string? after = null)
    {
        var validator = new Validator();
        TransferKind? parsedKind = null;
        if (kind is not null)
        {
            validator.Require(TransferKinds.TryParse(kind, out var k), "kind", "must be deposit, reserve, capture, release, expire or charge");
            parsedKind = k;
        }

        validator.Require(reservationId is null || LedgerLimits.IsValidTransferId(reservationId), "reservationId", LedgerLimits.TransferIdRule);
        validator.Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000");
        validator.Require(Cursor.TryParse(after, out var afterMs, out var afterId), "after", "must be a cursor from a previous page's 'next'");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var items = await store.ListTransfersAsync(
            new TransferQuery(
                user.GetAccountId(), parsedKind, reservationId,
                from?.ToUnixTimeMilliseconds() ?? 0, to?.ToUnixTimeMilliseconds() ?? long.MaxValue, limit, afterMs, afterId),
            cancellationToken);
        var next = items.Count == limit ? Cursor.Make(items[^1].CreatedAtMs, items[^1].Id) : null;
        return TypedResults.Ok(new TransferList([.. items.Select(TransferResponse.From)], next));
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetTransfer(
        string transferId, ClaimsPrincipal user, ILedgerStore store, CancellationToken cancellationToken)
    {
        var transfer = await store.FindTransferAsync(user.GetAccountId(), transferId, cancellationToken);
        return transfer is null ? Problems.NotFound("transfer", transferId) : TypedResults.Ok(TransferResponse.From(transfer));
    }

    private static async Task<Ok<LedgerCheck>> Check(ILedgerStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.CheckAsync(cancellationToken));

    private static Validator ValidateResolution(string reservationId, string? transferId)
    {
        var validator = new Validator();
        validator.Require(LedgerLimits.IsValidTransferId(reservationId), "reservationId", LedgerLimits.TransferIdRule);
        validator.Require(transferId is null || LedgerLimits.IsValidTransferId(transferId), "transferId", LedgerLimits.TransferIdRule);
        return validator;
    }

    private static Results<Created<TransferResponse>, Ok<TransferResponse>, ValidationProblem, ProblemHttpResult> Answer(
        LedgerResult result, string transferId, string? created, string? reservationId = null, string? notFound = null)
    {
        if (!result.Succeeded)
        {
            return result.Outcome == LedgerOutcome.AccountNotFound && notFound is not null
                ? Problems.NotFound("account", notFound)
                : LedgerProblems.For(result, transferId, reservationId);
        }

        var response = TransferResponse.From(result);
        return created is not null && !result.Replayed ? TypedResults.Created(created, response) : TypedResults.Ok(response);
    }
}
