using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Ledger;
using Platform.Billing.Prices;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Api;

/// <summary>The price table: anyone with a key reads it, the admin sets it (item by item; configuration gives the defaults).</summary>
public static class PricesApi
{
    public static void MapPricesApi(this RouteGroupBuilder api)
    {
        var prices = api.MapGroup("/v1/prices").WithTags("Prices");
        prices.MapGet("/", Get).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        prices.MapPut("/", Put).RequireAuthorization(PlatformPolicies.Admin);
    }

    private static async Task<Ok<PriceTable>> Get(PriceStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetAsync(cancellationToken));

    private static async Task<Results<Ok<PriceTable>, ValidationProblem>> Put(
        PriceUpdate update, PriceStore store, CancellationToken cancellationToken)
    {
        var validator = new Validator();
        const string rule = "must be a whole number of micro-credits from 0 to 1000000000000000";
        foreach (var (model, price) in update.Models ?? [])
        {
            validator.Require(LedgerLimits.IsValidTransferId(model), $"models.{model}", "model names are 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
            validator.Require(price is not null, $"models.{model}", "must be an object");
            validator.Require(IsPrice(price?.InputPerMillionTokens), $"models.{model}.inputPerMillionTokens", rule);
            validator.Require(IsPrice(price?.OutputPerMillionTokens), $"models.{model}.outputPerMillionTokens", rule);
            validator.Require(IsPrice(price?.EmbeddingPerMillionTokens), $"models.{model}.embeddingPerMillionTokens", rule);
        }

        validator.Require(IsPrice(update.CadRenderPerSecond), "cadRenderPerSecond", rule);
        validator.Require(IsPrice(update.ToolCall), "toolCall", rule);
        validator.Require((update.Models?.Count ?? 0) <= 1000, "models", "at most 1000 models per request");
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        return TypedResults.Ok(await store.SetAsync(update, cancellationToken));
    }

    private static bool IsPrice(long? value) => value is null or (>= 0 and <= LedgerLimits.MaxAmount);
}
