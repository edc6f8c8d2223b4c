namespace Platform.ServiceDefaults.Security;

/// <summary>Who a presented API key belongs to.</summary>
public sealed record ApiKeyIdentity(Guid AccountId, string KeyId);
