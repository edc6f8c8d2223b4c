namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Finds the owner of an API key from its hash. Billing owns keys: it resolves from its own store,
/// every other service asks Billing over the bus (<see cref="BusApiKeyResolver"/>).
/// Returns null for an unknown or revoked key; throws when the answer cannot be had.
/// </summary>
public interface IApiKeyResolver
{
    ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken);
}
