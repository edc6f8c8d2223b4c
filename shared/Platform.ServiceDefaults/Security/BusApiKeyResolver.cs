using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.ServiceDefaults.Security;

/// <summary>Asks Billing over the bus who owns a key.</summary>
public sealed class BusApiKeyResolver(IScopedClientFactory clients) : IApiKeyResolver
{
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        var client = clients.CreateRequestClient<ResolveApiKey>();
        var response = await client.GetResponse<ApiKeyResolved>(new ResolveApiKey(keyHash), cancellationToken);
        return response.Message.Found ? new ApiKeyIdentity(response.Message.AccountId, response.Message.KeyId) : null;
    }
}
