using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing.Accounts;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Api;

/// <summary>Accounts (admin) and each account's API keys (the account itself, or admin).</summary>
public static class AccountsApi
{
    public sealed record CreateAccountRequest(string? Name);

    public sealed record CreateKeyRequest(string? Name);

    public sealed record CreatedKeyResponse(string Id, string Name, string Prefix, DateTimeOffset CreatedAt, string Key);

    public sealed record AccountList(IReadOnlyList<Account> Items, string? Next);

    public static void MapAccountsApi(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/v1/accounts").WithTags("Accounts");

        accounts.MapPost("/", CreateAccount).RequireAuthorization(PlatformPolicies.Admin);
        accounts.MapGet("/", ListAccounts).RequireAuthorization(PlatformPolicies.Admin);
        accounts.MapGet("/{accountId}", GetAccount).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        accounts.MapPost("/{accountId}/keys", CreateKey).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        accounts.MapGet("/{accountId}/keys", ListKeys).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
        accounts.MapDelete("/{accountId}/keys/{keyId}", RevokeKey).RequireAuthorization(PlatformPolicies.AccountOrAdmin);
    }

    private static async Task<Results<Created<Account>, ValidationProblem>> CreateAccount(
        CreateAccountRequest request, AccountStore store, CancellationToken cancellationToken)
    {
        var validator = new Validator().RequireText(request.Name, "name", 200);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var account = await store.CreateAccountAsync(request.Name!.Trim(), cancellationToken);
        return TypedResults.Created($"/v1/accounts/{account.Id}", account);
    }

    private static async Task<Results<Ok<AccountList>, ValidationProblem>> ListAccounts(
        AccountStore store, CancellationToken cancellationToken, int limit = 100, string? after = null)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Validation("limit", "must be between 1 and 1000");
        }

        var items = await store.ListAccountsAsync(limit, after, cancellationToken);
        return TypedResults.Ok(new AccountList(items, items.Count == limit ? items[^1].Id.ToString() : null));
    }

    private static async Task<Results<Ok<Account>, ProblemHttpResult>> GetAccount(
        string accountId, ClaimsPrincipal user, AccountStore store, CancellationToken cancellationToken)
    {
        var account = await FindVisibleAccountAsync(accountId, user, store, cancellationToken);
        return account is null ? Problems.NotFound("account", accountId) : TypedResults.Ok(account);
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateKey(
        string accountId, CreateKeyRequest request, ClaimsPrincipal user, AccountStore store, CancellationToken cancellationToken)
    {
        var validator = new Validator().RequireText(request.Name, "name", 200);
        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var account = await FindVisibleAccountAsync(accountId, user, store, cancellationToken);
        if (account is null)
        {
            return Problems.NotFound("account", accountId);
        }

        var created = await store.CreateKeyAsync(account.Id, request.Name!.Trim(), cancellationToken);
        var key = created.Key;
        return TypedResults.Created(
            $"/v1/accounts/{account.Id}/keys/{key.Id}",
            new CreatedKeyResponse(key.Id, key.Name, key.Prefix, key.CreatedAt, created.Secret));
    }

    private static async Task<Results<Ok<IReadOnlyList<ApiKey>>, ProblemHttpResult>> ListKeys(
        string accountId, ClaimsPrincipal user, AccountStore store, CancellationToken cancellationToken)
    {
        var account = await FindVisibleAccountAsync(accountId, user, store, cancellationToken);
        return account is null
            ? Problems.NotFound("account", accountId)
            : TypedResults.Ok(await store.ListKeysAsync(account.Id, cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        string accountId, string keyId, ClaimsPrincipal user, AccountStore store, CancellationToken cancellationToken)
    {
        var account = await FindVisibleAccountAsync(accountId, user, store, cancellationToken);
        if (account is null)
        {
            return Problems.NotFound("account", accountId);
        }

        return await store.RevokeKeyAsync(account.Id, keyId, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("API key", keyId);
    }

    /// <summary>
    /// The account, if the caller may see it. Another account's id answers exactly like an unknown
    /// one, so ids cannot be probed.
    /// </summary>
    private static async Task<Account?> FindVisibleAccountAsync(
        string accountId, ClaimsPrincipal user, AccountStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(accountId, out var id) || !user.MayActOn(id))
        {
            return null;
        }

        return await store.FindAccountAsync(id, cancellationToken);
    }
}
