using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Decisions;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.SafetyGuard.Api;

/// <summary>The caller's own audit log of decisions.</summary>
public static class DecisionsApi
{
    public sealed record DecisionList(IReadOnlyList<DecisionRecord> Items, string? Next);

    public static void MapDecisionsApi(this RouteGroupBuilder api)
    {
        var decisions = api.MapGroup("/v1/decisions").WithTags("Decisions").RequireAuthorization(PlatformPolicies.Account);
        decisions.MapGet("/", ListDecisions);
    }

    private static async Task<Results<Ok<DecisionList>, ValidationProblem>> ListDecisions(
        ClaimsPrincipal user, DecisionLog log, CancellationToken cancellationToken,
        string? decision = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 100, string? after = null)
    {
        var validator = new Validator();
        DecisionOutcome? outcome = null;
        if (decision is not null)
        {
            if (DecisionOutcomes.TryParse(decision, out var parsed))
            {
                outcome = parsed;
            }
            else
            {
                validator.Add("decision", $"must be one of {DecisionOutcomes.AllNames}");
            }
        }

        validator.Require(limit is >= 1 and <= 1000, "limit", "must be between 1 and 1000");
        validator.Require(from is null || to is null || from < to, "to", "must be later than from");
        validator.Require(after is null || after.Length <= 64, "after", "must be a decision id from a previous page");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var items = await log.ListAsync(user.GetAccountId(), new DecisionQuery(outcome, from, to, limit, after), cancellationToken);
        return TypedResults.Ok(new DecisionList(items, items.Count == limit ? items[^1].Id : null));
    }
}
