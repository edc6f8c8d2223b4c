using System.Security.Claims;

namespace Platform.ServiceDefaults.Security;

public static class PlatformClaims
{
    public const string AccountId = "account_id";
    public const string KeyId = "key_id";
    public const string AdminRole = "admin";

    /// <summary>The caller's account; endpoints behind <see cref="PlatformPolicies.Account"/> always have one.</summary>
    public static Guid GetAccountId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AccountId), out var id)
            ? id
            : throw new InvalidOperationException("The caller has no account; the endpoint must require the Account policy.");

    public static Guid? FindAccountId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(AccountId), out var id) ? id : null;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    /// <summary>An admin may act on any account; an account key only on its own.</summary>
    public static bool MayActOn(this ClaimsPrincipal user, Guid accountId) => user.IsAdmin() || user.FindAccountId() == accountId;
}

public static class PlatformPolicies
{
    /// <summary>The operator's admin key.</summary>
    public const string Admin = "admin";

    /// <summary>A key bound to an account (every data endpoint).</summary>
    public const string Account = "account";

    /// <summary>Either an account key or the admin key.</summary>
    public const string AccountOrAdmin = "account-or-admin";
}
