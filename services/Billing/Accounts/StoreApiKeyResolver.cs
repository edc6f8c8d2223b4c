using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Accounts;

/// <summary>Billing's own key lookup: straight from its store, so revocation is immediate here.</summary>
public sealed class StoreApiKeyResolver(AccountStore store) : IApiKeyResolver
{
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        var key = await store.FindLiveKeyByHashAsync(keyHash, cancellationToken);
        BillingTelemetry.KeysResolved.Add(1, new KeyValuePair<string, object?>("outcome", key is null ? "unknown" : "found"));
        return key is null ? null : new ApiKeyIdentity(key.AccountId, key.Id);
    }
}
