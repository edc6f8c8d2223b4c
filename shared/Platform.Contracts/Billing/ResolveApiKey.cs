namespace Platform.Contracts.Billing;

/// <summary>
/// Asks Billing who owns an API key. Only the key's SHA-256 hash travels on the bus, never the key.
/// Answered with <see cref="ApiKeyResolved"/>.
/// </summary>
public sealed record ResolveApiKey(string KeyHash);

/// <summary>The owner of a key, or <c>Found = false</c> for an unknown or revoked key.</summary>
public sealed record ApiKeyResolved(bool Found, Guid AccountId, string KeyId);
