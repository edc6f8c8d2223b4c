using Microsoft.Extensions.Caching.Memory;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Remembers resolved keys for <see cref="AuthOptions.CacheSeconds"/>, so that a request does not
/// cost a bus round trip. Unknown keys are not remembered: a key created a moment ago works at once.
/// </summary>
public sealed class CachingApiKeyResolver(IApiKeyResolver inner, IMemoryCache cache, AuthOptions options) : IApiKeyResolver
{
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken)
    {
        var cacheKey = "api-key:" + keyHash;
        if (cache.TryGetValue(cacheKey, out ApiKeyIdentity? identity))
        {
            return identity;
        }

        identity = await inner.ResolveAsync(keyHash, cancellationToken);
        if (identity is not null)
        {
            cache.Set(cacheKey, identity, TimeSpan.FromSeconds(options.CacheSeconds));
        }

        return identity;
    }
}
