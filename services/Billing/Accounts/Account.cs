namespace Platform.Billing.Accounts;

/// <summary>One customer organisation: the unit that owns keys, credits and data.</summary>
public sealed record Account(Guid Id, string Name, DateTimeOffset CreatedAt);

/// <summary>An API key as listed: never the secret, only its first characters to recognise it.</summary>
public sealed record ApiKey(string Id, Guid AccountId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created: the only time its secret is shown.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);
