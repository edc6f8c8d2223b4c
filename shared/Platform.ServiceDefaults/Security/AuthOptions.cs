namespace Platform.ServiceDefaults.Security;

/// <summary>Bound from the <c>Auth</c> section (environment: <c>Auth__AdminKey</c>, ...).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// The operator's key for account management. Compared by hash in constant time. Without one,
    /// admin endpoints refuse every caller (the standalone host generates and prints one).
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// How long a resolved key is trusted before asking Billing again. Revocation takes effect
    /// within this time, so it stays under a minute.
    /// </summary>
    public int CacheSeconds { get; set; } = 30;
}
