using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Accounts;
using Platform.Billing.Alerts;
using Platform.Billing.Ledger;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Api;

/// <summary>
/// An account's low-balance alert: the threshold below which a ledger change raises
/// <c>platform.billing.balance.low.v1</c> (once per crossing; see <see cref="LowBalanceAlert"/>).
/// </summary>
public static class AlertsApi
{
    public sealed record LowBalanceAlertRequest(long? Threshold);

    public sealed record LowBalanceAlertResponse(long Threshold, bool Armed, long RearmLevel, DateTimeOffset UpdatedAt)
    {
        public static LowBalanceAlertResponse From(LowBalanceAlert alert) =>
            new(alert.Threshold, alert.Armed, alert.RearmLevel, DateTimeOffset.FromUnixTimeMilliseconds(alert.UpdatedAt));
    }

    public static void MapAlertsApi(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/v1/accounts/{accountId}/alerts/low-balance").WithTags("Alerts")
            .RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        alerts.MapGet("/", Get);
        alerts.MapPut("/", Set);
        alerts.MapDelete("/", Delete);
    }

    private static async Task<Results<Ok<LowBalanceAlertResponse>, ProblemHttpResult>> Get(
        string accountId, ClaimsPrincipal user, AccountStore accounts, LowBalanceAlertStore alerts, CancellationToken cancellationToken)
    {
        var id = await VisibleAccountAsync(accountId, user, accounts, cancellationToken);
        var alert = id is null ? null : await alerts.FindAsync(id.Value, cancellationToken);
        return alert is null
            ? Problems.NotFound("low-balance alert", accountId, $"Account '{accountId}' has no low-balance alert.")
            : TypedResults.Ok(LowBalanceAlertResponse.From(alert));
    }

    private static async Task<Results<Ok<LowBalanceAlertResponse>, ValidationProblem, ProblemHttpResult>> Set(
        string accountId, LowBalanceAlertRequest request, ClaimsPrincipal user, AccountStore accounts, LowBalanceAlertStore alerts,
        CancellationToken cancellationToken)
    {
        if (request.Threshold is not { } threshold || !LedgerLimits.IsValidAmount(threshold))
        {
            return Problems.Validation("threshold", LedgerLimits.AmountRule);
        }

        var id = await VisibleAccountAsync(accountId, user, accounts, cancellationToken);
        return id is null
            ? Problems.NotFound("account", accountId)
            : TypedResults.Ok(LowBalanceAlertResponse.From(await alerts.SetAsync(id.Value, threshold, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string accountId, ClaimsPrincipal user, AccountStore accounts, LowBalanceAlertStore alerts, CancellationToken cancellationToken)
    {
        var id = await VisibleAccountAsync(accountId, user, accounts, cancellationToken);
        return id is not null && await alerts.DeleteAsync(id.Value, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("low-balance alert", accountId, $"Account '{accountId}' has no low-balance alert.");
    }

    /// <summary>The account's id if the caller may act on it and it exists; another account's answers like an unknown one.</summary>
    private static async Task<Guid?> VisibleAccountAsync(string accountId, ClaimsPrincipal user, AccountStore accounts, CancellationToken cancellationToken) =>
        Guid.TryParse(accountId, out var id) && user.MayActOn(id) && await accounts.FindAccountAsync(id, cancellationToken) is not null ? id : null;
}
