using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Ledger;
using Platform.Billing.Usage;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Api;

/// <summary>Usage: record (priced, charged), list by period/model/run/kind, totals per day and model, CSV, and statements.</summary>
public static class UsageApi
{
    public sealed record RecordUsageRequest(
        string? TransferId,
        string? Kind,
        string? Model,
        string? RunId,
        long? InputTokens,
        long? OutputTokens,
        long? EmbeddingTokens,
        long? RenderMilliseconds,
        long? ToolCalls,
        string? ReservationId);

    public sealed record UsageResponse(
        string Id, string Kind, string? Model, string? RunId, string? ReservationId, long InputTokens, long OutputTokens,
        long EmbeddingTokens, long RenderMilliseconds, long ToolCalls, long Charge, string? TransferId, DateTimeOffset CreatedAt,
        bool? Replayed = null)
    {
        public static UsageResponse From(UsageRecord record) => new(
            record.Id, record.Quantities.Kind, record.Quantities.Model, record.Quantities.RunId, record.Quantities.ReservationId,
            record.Quantities.InputTokens, record.Quantities.OutputTokens, record.Quantities.EmbeddingTokens,
            record.Quantities.RenderMilliseconds, record.Quantities.ToolCalls, record.Charge, record.TransferId, record.CreatedAt);
    }

    public sealed record UsageList(IReadOnlyList<UsageResponse> Items, string? Next);

    public static void MapUsageApi(this RouteGroupBuilder api)
    {
        var usage = api.MapGroup("/v1/usage").WithTags("Usage").RequireAuthorization(PlatformPolicies.Account);
        usage.MapPost("/", Record);
        usage.MapGet("/", List);
        usage.MapGet("/totals", Totals);
        api.MapGet("/v1/usage.csv", Csv).WithTags("Usage").RequireAuthorization(PlatformPolicies.Account);
        api.MapGet("/v1/accounts/{accountId}/statement", GetStatement).WithTags("Usage").RequireAuthorization(PlatformPolicies.AccountOrAdmin);
    }

    private static async Task<Results<Created<UsageResponse>, Ok<UsageResponse>, ValidationProblem, ProblemHttpResult>> Record(
        RecordUsageRequest request, ClaimsPrincipal user, UsageRecorder recorder, CancellationToken cancellationToken)
    {
        var quantities = new UsageQuantities(
            request.Kind ?? "",
            request.Model,
            request.RunId,
            request.InputTokens ?? 0,
            request.OutputTokens ?? 0,
            request.EmbeddingTokens ?? 0,
            request.RenderMilliseconds ?? 0,
            request.ToolCalls ?? 0,
            request.ReservationId);
        var errors = UsageRecorder.Validate(request.TransferId, quantities);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        }

        var outcome = await recorder.RecordAsync(user.GetAccountId(), request.TransferId!, quantities, cancellationToken);
        if (outcome.Result is not { } result)
        {
            return Problems.Validation("model", outcome.PriceError!);
        }

        if (!result.Succeeded)
        {
            return LedgerProblems.For(result, request.TransferId!, request.ReservationId);
        }

        var response = UsageResponse.From(result.Usage!) with { Replayed = result.Replayed };
        return result.Replayed ? TypedResults.Ok(response) : TypedResults.Created("/v1/usage", response);
    }

    /// <summary>JSON, or CSV when the client sends <c>Accept: text/csv</c>.</summary>
    private static async Task<IResult> List(
        HttpContext http,
        ClaimsPrincipal user,
        UsageStore store,
        [AsParameters] UsageFilter filter,
        CancellationToken cancellationToken,
        int limit = 100,
        string? after = null)
    {
        var wantsCsv = http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
        if (!TryQuery(user, filter, wantsCsv ? 100_000 : limit, after, wantsCsv ? 100_000 : 1000, out var query, out var problem))
        {
            return problem!;
        }

        var items = await store.ListAsync(query!, cancellationToken);
        if (wantsCsv)
        {
            return ToCsv(items);
        }

        var next = items.Count == limit ? Cursor.Make(items[^1].CreatedAtMs, items[^1].Id) : null;
        return TypedResults.Ok(new UsageList([.. items.Select(UsageResponse.From)], next));
    }

    private static async Task<IResult> Csv(
        ClaimsPrincipal user,
        UsageStore store,
        [AsParameters] UsageFilter filter,
        CancellationToken cancellationToken)
    {
        if (!TryQuery(user, filter, 100_000, null, 100_000, out var query, out var problem))
        {
            return problem!;
        }

        return ToCsv(await store.ListAsync(query!, cancellationToken));
    }

    private static async Task<Results<Ok<IReadOnlyList<UsageTotal>>, ValidationProblem>> Totals(
        ClaimsPrincipal user,
        UsageStore store,
        [AsParameters] UsageFilter filter,
        CancellationToken cancellationToken)
    {
        if (!TryQuery(user, filter, 1, null, 1, out var query, out var problem))
        {
            return problem!;
        }

        return TypedResults.Ok(await store.TotalsAsync(query!, cancellationToken));
    }

    private static async Task<Results<Ok<Statement>, ValidationProblem, ProblemHttpResult>> GetStatement(
        string accountId,
        ClaimsPrincipal user,
        StatementBuilder statements,
        TimeProvider clock,
        CancellationToken cancellationToken,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null)
    {
        if (!Guid.TryParse(accountId, out var id) || !user.MayActOn(id))
        {
            return Problems.NotFound("account", accountId);
        }

        var now = clock.GetUtcNow();
        var start = from ?? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        // Default: up to a second from now, so that everything committed so far is in and the stored balance is shown.
        var end = to ?? now.AddSeconds(1);
        if (end < start)
        {
            return Problems.Validation("to", "must not be before 'from'");
        }

        var statement = await statements.BuildAsync(id, start, end, cancellationToken);
        return statement is null ? Problems.NotFound("account", accountId) : TypedResults.Ok(statement);
    }

    private static bool TryQuery(
        ClaimsPrincipal user, UsageFilter filter, int limit, string? after, int maxLimit, out UsageQuery? query, out ValidationProblem? problem)
    {
        var (from, to, model, runId, kind) = filter;
        var validator = new Validator();
        validator.Require(limit >= 1 && limit <= maxLimit, "limit", $"must be between 1 and {maxLimit}");
        validator.Require(model is null || LedgerLimits.IsValidTransferId(model), "model", "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
        validator.Require(runId is null || LedgerLimits.IsValidTransferId(runId), "runId", LedgerLimits.TransferIdRule);
        validator.Require(kind is null || kind.Length is >= 1 and <= 64, "kind", "must be 1-64 characters");
        validator.Require(Cursor.TryParse(after, out var afterMs, out var afterId), "after", "must be a cursor from a previous page's 'next'");
        if (!validator.IsValid)
        {
            query = null;
            problem = validator.ToProblem();
            return false;
        }

        query = new UsageQuery(
            user.GetAccountId(), from?.ToUnixTimeMilliseconds() ?? 0, to?.ToUnixTimeMilliseconds() ?? long.MaxValue,
            model, runId, kind, limit, afterMs, afterId);
        problem = null;
        return true;
    }

    private static IResult ToCsv(IReadOnlyList<UsageRecord> items)
    {
        var csv = new StringBuilder("created_at,id,kind,model,run_id,reservation_id,input_tokens,output_tokens,embedding_tokens,render_ms,tool_calls,charge_micro_credits,transfer_id\n");
        foreach (var u in items)
        {
            var q = u.Quantities;
            csv.Append(CultureInfo.InvariantCulture, $"{u.CreatedAt:O},{Field(u.Id)},{Field(q.Kind)},{Field(q.Model)},{Field(q.RunId)},{Field(q.ReservationId)},")
                .Append(CultureInfo.InvariantCulture, $"{q.InputTokens},{q.OutputTokens},{q.EmbeddingTokens},{q.RenderMilliseconds},{q.ToolCalls},{u.Charge},{Field(u.TransferId)}\n");
        }

        return TypedResults.Text(csv.ToString(), "text/csv", Encoding.UTF8);
    }

    // Ids are restricted to [A-Za-z0-9._:-], so no field needs quoting; kept defensive for the kind text.
    private static string Field(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>The query-string filter shared by the usage list, its CSV and its totals.</summary>
    public sealed record UsageFilter(DateTimeOffset? From, DateTimeOffset? To, string? Model, string? RunId, string? Kind);
}
