using Platform.ServiceDefaults.Security;

namespace Platform.Inference.Tests;

/// <summary>Resolves one known key to one account, so Inference tests run without Billing.</summary>
public sealed class FixedKeyResolver(string key, Guid accountId) : IApiKeyResolver
{
    private readonly string _keyHash = ApiKeys.Hash(key);

    public ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ApiKeys.HashesEqual(keyHash, _keyHash) ? new ApiKeyIdentity(accountId, "test-key") : null);
}
